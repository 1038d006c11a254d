# Reference comparisons of two independent surveys from R's `survey` package for tests/test_compare.py.
#
# Run from the repository root:  Rscript tests/r_reference/make_compare.R
#
# Input: the two demo surveys as the importer reads them (seed/data/demo_national.csv, A, and
# seed/data/demo_hardanger.csv, B): q22 (codes 1-5; 6 = "ikke sikker", left out of the base), q207
# (gender, 1 = man, 2 = woman; the derived variable `gender` copies it) and the weight `vekt`.
#
# The exact calls, on each survey's own design:
#   d <- subset(svydesign(ids = ~1, weights = ~vekt, data = all respondents), valid q22)
#   svymean(~factor(q22, levels = 1:5), d)                       (whole survey)
#   svyby(~factor(q22, levels = 1:5), ~q207, d, svymean)         (by gender)
# and, the samples being independent: difference = B - A, se = sqrt(se_A^2 + se_B^2),
# ci = difference -/+ qnorm(.975) se, p = 2 pnorm(-|difference| / se).
suppressPackageStartupMessages({library(survey); library(jsonlite)})
read <- function(path) {
  d <- read.csv(path)
  d$valid <- !is.na(d$q22) & d$q22 != 6
  d
}
shares <- function(d, by) {
  des <- subset(svydesign(ids = ~1, weights = ~vekt, data = d), valid)  # the base, as a domain of the whole survey
  if (is.null(by)) {
    m <- svymean(~factor(q22, levels = 1:5), des)
    return(list(list(group = "all", estimate = unname(coef(m)), se = unname(SE(m)))))
  }
  m <- svyby(~factor(q22, levels = 1:5), ~q207, des, svymean)
  est <- matrix(coef(m), nrow = nrow(m), byrow = FALSE)  # coef(svyby) runs over groups within each code
  ses <- as.matrix(SE(m))
  lapply(seq_len(nrow(m)), function(i) {
    list(group = as.character(m$q207[i]), estimate = unname(est[i, ]), se = unname(ses[i, ]))
  })
}
compare <- function(a, b) {
  mapply(function(x, y) {
    diff <- y$estimate - x$estimate
    se <- sqrt(x$se^2 + y$se^2)
    list(group = x$group, a = x$estimate, se_a = x$se, b = y$estimate, se_b = y$se, difference = diff, se = se,
         ci_low = diff - qnorm(0.975) * se, ci_high = diff + qnorm(0.975) * se, p_value = 2 * pnorm(-abs(diff) / se))
  }, a, b, SIMPLIFY = FALSE)
}
A <- read("seed/data/demo_national.csv")
B <- read("seed/data/demo_hardanger.csv")
out <- list(
  r_version = R.version.string, survey_version = as.character(packageVersion("survey")),
  codes = 1:5, all = compare(shares(A, NULL), shares(B, NULL)), by_gender = compare(shares(A, "q207"), shares(B, "q207"))
)
writeLines(toJSON(out, auto_unbox = TRUE, digits = NA, pretty = TRUE), "tests/r_reference/compare_fixtures.json")
