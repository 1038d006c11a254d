# Reference model-based (small-area) estimates with education as a covariate, from R's `survey` package,
# for tests/test_small_area.py (issue 20 §6).
#
# Run from the repository root:  Rscript tests/r_reference/make_small_area_education.R
#
# Input: tests/r_reference/data/demo_national.csv (the demo survey in wide form, export_data.py),
# tests/r_reference/data/small_area_population.csv (SSB 07459, residents 25-60 by the survey's age
# group and sex, with the centrality class; see make_small_area.R) and
# tests/r_reference/data/small_area_education.csv: SSB 09429, percent of residents 16 and over by
# education level, 2024, for the same four municipalities, copied unchanged from
# seed/reference/ssb/education_09429_2024.csv.
#
# Education groups, as seed/codebooks/norce2025.yaml declares them (education_covariate):
#   1 = q4 1-2 (SSB 01, 02a, 11), 2 = q4 3 (SSB 03a), 3 = q4 4 (SSB 04a); q4 = 5 ("Annet") is left out.
#
# The exact calls:
#   d   <- svydesign(ids = ~1, weights = ~w, data = all respondents)
#   s   <- subset(d, y valid & age_group, gender, centrality and an education group present)
#   fit <- svyglm(y ~ factor(age_group) + factor(gender) + factor(edu) + factor(centrality), design = s,
#                 family = quasibinomial())
#   seed: the weighted count (sum of w) of s's respondents in each age group x gender x education cell
#   for each municipality:
#     cells <- rake(svydesign(ids = ~1, weights = ~seed, data = seed cells),
#                   sample.margins = list(~ag, ~edu),
#                   population.margins = list(residents 25-60 by age group x gender (07459),
#                                             N * 09429 share of each group's levels / their sum),
#                   control = list(maxit = 1000, epsilon = 1e-10))
#     p  = sum(pi_c * plogis(x_c b)),  g = sum(pi_c * mu_c (1 - mu_c) x_c),  se = sqrt(g' vcov(fit) g),
#     ci = plogis(qlogis(p) + c(-1, 1) * qnorm(.975) * se / (p (1 - p)))
#   with pi_c = weights(cells) / N at the municipality's centrality class.
suppressPackageStartupMessages({library(survey); library(jsonlite)})
d <- read.csv("tests/r_reference/data/demo_national.csv")
pop <- read.csv("tests/r_reference/data/small_area_population.csv", colClasses = c(kommunenummer = "character"))
ed <- read.csv("tests/r_reference/data/small_area_education.csv",
               colClasses = c(kommunenummer = "character", nivaa_code = "character"))
groups <- list(`1` = c("01", "02a", "11"), `2` = "03a", `3` = "04a")
d$edu <- c(1, 1, 2, 3, NA)[d$education]
d$valid <- !is.na(d$q22) & d$q22 != 6 & !is.na(d$age_group) & !is.na(d$gender) & !is.na(d$centrality) &
  !is.na(d$edu)
d$y <- as.numeric(d$q22 %in% c(1, 2))
des <- svydesign(ids = ~1, weights = ~w, data = d)
s <- subset(des, valid)
fit <- svyglm(y ~ factor(age_group) + factor(gender) + factor(edu) + factor(centrality), design = s,
              family = quasibinomial())
b <- coef(fit)
V <- vcov(fit)
fitted_rows <- d[d$valid, ]
seed <- aggregate(w ~ age_group + gender + edu, data = fitted_rows, FUN = sum)
seed$ag <- factor(paste(seed$age_group, seed$gender))
seed$edu <- factor(seed$edu)
levels_of <- function(v) sort(unique(fitted_rows[[v]]))
areas <- list()
for (m in unique(pop$kommunenummer)) {
  cells <- pop[pop$kommunenummer == m, ]
  total <- sum(cells$population)
  pct <- ed[ed$kommunenummer == m, ]
  share <- sapply(groups, function(levels) sum(pct$percent_of_residents_16plus[pct$nivaa_code %in% levels]))
  ag_margin <- data.frame(ag = factor(paste(cells$age_group, cells$gender), levels = levels(seed$ag)),
                          Freq = cells$population)
  edu_margin <- data.frame(edu = factor(names(groups), levels = levels(seed$edu)), Freq = total * share / sum(share))
  seed_design <- svydesign(ids = ~1, weights = ~w, data = seed)
  raked <- rake(seed_design, sample.margins = list(~ag, ~edu), population.margins = list(ag_margin, edu_margin),
                control = list(maxit = 1000, epsilon = 1e-10))
  people <- weights(raked)
  nd <- data.frame(age_group = seed$age_group, gender = seed$gender, edu = as.integer(as.character(seed$edu)),
                   centrality = cells$centrality[1])
  X <- model.matrix(~ factor(age_group, levels = levels_of("age_group")) + factor(gender, levels = levels_of("gender")) +
                      factor(edu, levels = levels_of("edu")) + factor(centrality, levels = levels_of("centrality")), nd)
  mu <- plogis(drop(X %*% b))
  pi <- people / sum(people)
  p <- sum(pi * mu)
  g <- colSums(pi * mu * (1 - mu) * X)
  se <- sqrt(drop(t(g) %*% V %*% g))
  ci <- plogis(qlogis(p) + c(-1, 1) * qnorm(0.975) * se / (p * (1 - p)))
  areas[[m]] <- list(
    estimate = p, se = se, ci_low = ci[1], ci_high = ci[2],
    cells = data.frame(age_group = seed$age_group, gender = seed$gender, education = nd$edu,
                       population = unname(people), predicted = unname(mu))
  )
}
out <- list(
  r_version = R.version.string, survey_version = as.character(packageVersion("survey")),
  n = nrow(fitted_rows), coefficients = unname(b), names = names(b), covariance = unname(V), areas = areas
)
write(toJSON(out, digits = NA, auto_unbox = TRUE, pretty = TRUE), "tests/r_reference/small_area_education_fixtures.json")
