# Reference model-based (small-area) estimates from R's `survey` package for tests/test_small_area.py.
#
# Run from the repository root:  Rscript tests/r_reference/make_small_area.R
#
# Input: tests/r_reference/data/demo_national.csv (the demo survey in wide form, written by
# export_data.py) and tests/r_reference/data/small_area_population.csv: SSB 07459, 1 January 2026,
# residents aged 25-60 of Oslo (0301), Bergen (4601), Eidfjord (4619) and Kvam (4622) summed into
# the survey's age groups (25-34, 35-44, 45-54, 55-60) by sex (1 = male, 2 = female, the survey's
# gender codes), with each municipality's SSB centrality class (seed/reference/municipalities.csv).
# It was cut from ../shared/reference/ssb/population_age_sex.csv; see its SOURCES.md.
#
# The exact calls:
#   d   <- svydesign(ids = ~1, weights = ~w, data = all respondents)
#   s   <- subset(d, y valid & age_group, gender, centrality present)   (y = q22 in its two first codes,
#          valid = a q22 answer that is not the "ikke sikker" code 6)
#   fit <- svyglm(y ~ factor(age_group) + factor(gender) + factor(centrality), design = s,
#                 family = quasibinomial())
#   for each municipality: cells = age group x gender at its centrality class,
#     p  = sum(pi_c * plogis(x_c b)),  g = sum(pi_c * mu_c (1 - mu_c) x_c),  se = sqrt(g' vcov(fit) g),
#     ci = plogis(qlogis(p) + c(-1, 1) * qnorm(.975) * se / (p (1 - p)))
#   with pi_c the cell's share of the municipality's population 25-60.
suppressPackageStartupMessages({library(survey); library(jsonlite)})
d <- read.csv("tests/r_reference/data/demo_national.csv")
pop <- read.csv("tests/r_reference/data/small_area_population.csv", colClasses = c(kommunenummer = "character"))
d$valid <- !is.na(d$q22) & d$q22 != 6 & !is.na(d$age_group) & !is.na(d$gender) & !is.na(d$centrality)
d$y <- as.numeric(d$q22 %in% c(1, 2))
des <- svydesign(ids = ~1, weights = ~w, data = d)
s <- subset(des, valid)
fit <- svyglm(y ~ factor(age_group) + factor(gender) + factor(centrality), design = s, family = quasibinomial())
b <- coef(fit)
V <- vcov(fit)
areas <- list()
for (m in unique(pop$kommunenummer)) {
  cells <- pop[pop$kommunenummer == m, ]
  nd <- data.frame(age_group = cells$age_group, gender = cells$gender, centrality = cells$centrality)
  X <- model.matrix(~ factor(age_group, levels = sort(unique(d$age_group[d$valid]))) +
                      factor(gender, levels = sort(unique(d$gender[d$valid]))) +
                      factor(centrality, levels = sort(unique(d$centrality[d$valid]))), nd)
  mu <- plogis(drop(X %*% b))
  pi <- cells$population / sum(cells$population)
  p <- sum(pi * mu)
  g <- colSums(pi * mu * (1 - mu) * X)
  se <- sqrt(drop(t(g) %*% V %*% g))
  ci <- plogis(qlogis(p) + c(-1, 1) * qnorm(0.975) * se / (p * (1 - p)))
  areas[[m]] <- list(estimate = p, se = se, ci_low = ci[1], ci_high = ci[2], predicted = unname(mu))
}
out <- list(
  r_version = R.version.string, survey_version = as.character(packageVersion("survey")),
  n = nrow(s), coefficients = unname(b), names = names(b), covariance = unname(V), areas = areas
)
write(toJSON(out, digits = NA, auto_unbox = TRUE, pretty = TRUE), "tests/r_reference/small_area_fixtures.json")
