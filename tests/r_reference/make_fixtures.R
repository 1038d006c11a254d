# Reference estimates from R's `survey` package for tests/test_against_r.py.
#
# What it computes
# ----------------
# For every case below (a data set, a question, an optional breakdown `by`, optional `where`
# filters and an optional `collapse` of the two first / last valid categories), the weighted
# share of each answer category per group with its standard error, logit confidence interval
# and unweighted n, and the Rao–Scott F test of independence; and for the mean cases the
# weighted mean of a numeric variable per group with its SE and normal interval. The output is
# tests/r_reference/fixtures.json, which the Python tests compare with app.query.estimates.
# Besides the logit interval each share row carries R's Korn–Graubard interval
# (svyciprop(method = "beta")) and, where the share is exactly 0 or 1, the Clopper–Pearson
# interval that app.stats.design uses there; and the "test_subset" cases hold the Rao–Scott test
# over only some groups of a breakdown (the groups a chart shows).
#
# Input: tests/r_reference/data/<name>.csv (columns id, w and one column per variable, raw
# answer codes with the "ikke sikker" codes kept, NA = no answer) and <name>_codes.csv
# (variable, code, missing), written by tests/r_reference/export_data.py.
#
# The exact survey calls
# ----------------------
# The design is over ALL respondents of the survey; the base of a question excludes no answer
# (NA) and the codebook's missing ("ikke sikker") codes, of the question and of the breakdown:
#
#   d  <- svydesign(ids = ~1, weights = ~w, data = all_respondents)
#   dd <- subset(d, base_)       # base_ = valid answer & valid group & every where filter
#   for each group g present in dd and each category k (k = a code, or the merged top2/bottom2
#   codes):
#     s <- update(subset(dd, grp_ == g), yk_ = as.numeric(ycat_ == k))
#     svymean(~yk_, s)                              -> estimate, SE
#     attr(svyciprop(~yk_, s, method = "logit"), "ci")  -> ci_low, ci_high
#     attr(svyciprop(~yk_, s, method = "beta"), "ci")   -> beta_low, beta_high (NA at p = 0, 1:
#                                                        R's n.eff = p(1-p)/var is 0/0 there)
#     and for a group of two respondents (degf(s) = 1) with 0 < p < 1, where svyciprop's logit
#     interval is (0, NaN) (confint.svyglm's level 1 - 2 * pnorm(qt(.025, 1)) rounds to 1):
#     fit <- svyglm(yk_ ~ 1, s, family = quasibinomial)
#     plogis(coef(fit) + c(-1, 1) * qt(.975, 1) * SE(fit))  -> logit_t_low, logit_t_high
#     and where nobody or everybody in the group is in the category (x = sum(yk_) is 0 or
#     n = nrow(s); the estimate is 0 or 1 up to rounding) and n >= 2:
#     binom.test(x, n)$conf.int                     -> cp_low, cp_high
#       (Korn–Graubard with n.eff = n: the factor (qt(.025, nrow(s) - 1)/qt(.025, degf(s)))^2
#       of svyciprop's beta branch is checked to be 1, so it is Clopper–Pearson)
#   svychisq(~ycat_ + grp_, dd, statistic = "F")    -> statistic, parameter (ndf, ddf), p.value
#   (ycat_ is the collapsed category when collapse is given, else the code itself; grp_ is the
#   breakdown's code, or 0 without a breakdown, in which case there is no test.)
#
#   Tests over some groups only (kind "test_subset"; the groups listed, or those with at least
#   min_n respondents in dd; columns = "top2" tests the two first valid codes against the rest):
#     ds <- subset(dd, grp_ %in% groups)
#     svychisq(~ycat_ + grp_, ds, statistic = "F")  -> statistic, ndf, ddf, p.value
#     plus nrow(ds) (n_domain), degf(ds) and nrow(dd) (n of all the breakdown's groups).
#
#   Means: svymean(~x, subset(d, !is.na(x) & grp_ == g & <valid group> & <where>)), with
#   confint() of that svymean for the (normal) interval.
#
# The indicator yk_ is created with update() on the design (inside svyciprop the formula is
# evaluated in the design's variables, so a formula referring to a loop variable would not do).
#
# Versions used to write the committed fixtures.json: R 4.2.2 Patched (2022-11-10 r83330),
# survey 4.1.1, jsonlite 1.8.4 (numbers are written with sprintf("%.17g"), i.e. full
# precision); the versions are also recorded in fixtures.json's "meta". On Debian 12 these are
# the packaged ones:
#   apt-get install r-base-core r-cran-survey r-cran-jsonlite
#
# Rerun (from the repository root; about 15 s; both steps are deterministic, so a rerun with
# unchanged inputs rewrites the files byte for byte):
#   .venv/bin/python tests/r_reference/export_data.py     # only if the data sets change
#   Rscript tests/r_reference/make_fixtures.R

suppressPackageStartupMessages({
  library(survey)
  library(jsonlite)
})

args <- commandArgs(trailingOnly = FALSE)
script <- sub("^--file=", "", args[grep("^--file=", args)])
here <- if (length(script)) dirname(normalizePath(script)) else file.path("tests", "r_reference")
data_dir <- file.path(here, "data")

# ---------------------------------------------------------------------------------- cases

share <- function(variable, by = NULL, where = list(), collapse = NULL) {
  list(kind = "share", variable = variable, by = by, where = where, collapse = collapse)
}
# The Rao–Scott test over some groups of the breakdown only: `groups` (codes) or, when NULL,
# the groups with at least `min_n` respondents in the base (what the dashboard shows).
test_subset <- function(variable, by, groups = NULL, min_n = NULL, where = list(), collapse = NULL,
                        columns = "all") {
  list(kind = "test_subset", variable = variable, by = by, where = where, collapse = collapse,
       groups = groups, min_n = min_n, columns = columns)
}
mean_case <- function(variable, by = NULL, where = list()) {
  list(kind = "mean", variable = variable, by = by, where = where)
}
grid <- function(variables, bys) {
  out <- list()
  for (v in variables) for (b in bys) out[[length(out) + 1]] <- share(v, if (b == "") NULL else b)
  out
}

CASES <- list(
  demo_national = c(
    grid(c("q12", "q21", "q22", "q23", "q13", "q16_5"),
         c("", "age_group", "home_office_3plus", "centrality", "education")),
    list(
      share("q22", "centrality", collapse = "top2"),
      share("q23", "education", collapse = "top2"),        # education 1 (Grunnskole): n = 7
      share("q16_5", NULL, collapse = "top2"),
      share("q22", "age_group", collapse = "bottom2"),
      share("q23", "education", where = list(centrality = c(1L, 2L))),
      share("q14", "age_group", where = list(q12 = 1:5)),
      share("q21", "centrality", where = list(home_office_3plus = 1L, q207 = 2L)),
      share("q22", "education", where = list(q4 = 2:5), collapse = "top2"),
      mean_case("factory_index"),
      mean_case("factory_index", "centrality"),
      mean_case("factory_index", "age_group"),
      mean_case("factory_index", "education"),
      mean_case("factory_index", "home_office_3plus"),
      mean_case("factory_index", "centrality", where = list(q207 = 1L)),
      test_subset("q23", "education", min_n = 10),               # leaves out education 1 (n = 7)
      test_subset("q22", "centrality", groups = 1:5),
      test_subset("q21", "age_group", groups = c(2L, 4L)),
      test_subset("q22", "education", groups = 2:4, collapse = "top2"),
      test_subset("q22", "centrality", groups = c(1L, 3L, 6L), columns = "top2"),
      test_subset("q23", "education", min_n = 10, where = list(centrality = c(1L, 2L)))
    )
  ),
  synth_mini300 = c(
    grid(c("q12", "q6_1", "q6_2", "home_office_3plus"),
         c("", "centrality", "municipality", "age_group", "gender")),
    list(
      share("q6_1", "centrality", collapse = "top2"),
      share("q6_2", "municipality", collapse = "bottom2"),
      share("q6_1", "centrality", where = list(q207 = 2L)),
      share("q12", "age_group", where = list(centrality = c(1L, 2L))),
      share("q6_2", "gender", where = list(centrality = 4:6, q12 = c(1L, 2L, 3L))),
      mean_case("factory_index"),
      mean_case("factory_index", "centrality"),
      mean_case("factory_index", "municipality"),
      mean_case("factory_index", "age_group"),
      mean_case("age", "centrality"),
      mean_case("factory_index", "gender", where = list(centrality = c(3L, 4L, 5L, 6L))),
      test_subset("q12", "centrality", min_n = 10),              # leaves out class 6 (n = 5)
      test_subset("q12", "centrality", groups = 1:3),
      test_subset("q6_1", "municipality", min_n = 20),
      test_subset("q6_1", "centrality", groups = 1:4, collapse = "top2"),
      test_subset("q6_2", "centrality", groups = 1:3, where = list(q207 = 2L)),
      test_subset("q6_1", "age_group", groups = 1:2, columns = "top2")
    )
  ),
  synth_norce1200 = c(
    grid(c("q21", "q22", "q23", "q13", "q14", "q6_3", "q10_1"),
         c("", "education", "centrality", "county", "age_group")),
    list(
      share("q22", "centrality", collapse = "top2"),
      share("q23", "education", collapse = "top2"),
      share("q14", "county", collapse = "bottom2"),
      share("q23", "county", where = list(centrality = 4:6)),
      share("q14", "education", where = list(q12 = c(1L, 2L))),
      share("q13", "centrality", where = list(q1 = 1L, q207 = 2L)),
      share("q21", "home_office_3plus", where = list(q4 = c(3L, 4L))),
      mean_case("factory_index"),
      mean_case("factory_index", "education"),
      mean_case("factory_index", "centrality"),
      mean_case("factory_index", "county"),
      mean_case("factory_index", "age_group"),
      mean_case("factory_index", "sector", where = list(q1 = 2L)),
      test_subset("q22", "centrality", min_n = 10),              # leaves out class 6 (n about 9)
      test_subset("q14", "county", groups = c(3L, 11L, 32L, 34L, 56L)),
      test_subset("q13", "education", groups = 2:5, where = list(q12 = c(1L, 2L))),
      test_subset("q23", "county", min_n = 50, collapse = "bottom2"),
      test_subset("q6_3", "education", groups = 2:4, columns = "top2")
    )
  ),
  synth_boundary = c(
    grid(c("q12", "q6_1", "q6_2", "home_office_3plus"), c("", "centrality", "gender", "age_group")),
    list(
      share("q6_1", "centrality", collapse = "top2"),
      share("q6_2", "centrality", collapse = "bottom2"),
      share("q12", "centrality", where = list(gender = 2L)),
      share("q6_2", "gender", where = list(centrality = 3:6)),
      test_subset("q12", "centrality", min_n = 10),
      test_subset("q12", "centrality", groups = c(1L, 2L, 4L)),  # with the all-"every day" group
      test_subset("q12", "centrality", groups = c(3L, 4L)),      # nobody in them answers 6
      test_subset("q6_1", "centrality", groups = 2:3),
      test_subset("q6_2", "centrality", groups = 1:3, columns = "top2")
    )
  )
)

# ---------------------------------------------------------------------------- computing

num <- function(x) {
  x <- as.numeric(x)
  structure(if (length(x) != 1 || is.na(x)) "null" else sprintf("%.17g", x), class = "json")
}

valid_codes <- function(codes, variable) {
  rows <- codes[codes$variable == variable, ]
  if (!nrow(rows)) stop("no codes for ", variable)
  rows$code[!rows$missing]
}

# TRUE for respondents who satisfy every `where` filter (any code listed, missing or not).
where_ok <- function(data, where) {
  ok <- rep(TRUE, nrow(data))
  for (v in names(where)) ok <- ok & !is.na(data[[v]]) & data[[v]] %in% where[[v]]
  ok
}

categories_of <- function(valid, collapse) {
  cats <- as.list(valid)
  if (!is.null(collapse) && length(valid) >= 3) {
    merged <- if (collapse == "top2") valid[1:2] else valid[(length(valid) - 1):length(valid)]
    first <- match(merged[1], valid)
    cats <- c(as.list(valid[seq_len(first - 1)]), list(merged),
              as.list(setdiff(valid[seq(first, length(valid))], merged)))
  }
  cats
}

# The breakdown's domain dd (the design over all respondents, subset to the base) and the
# answer categories; dd$variables has ycat_ (category index) and grp_.
share_domain <- function(data, codes, case) {
  y <- data[[case$variable]]
  valid_y <- valid_codes(codes, case$variable)
  base <- !is.na(y) & y %in% valid_y & where_ok(data, case$where)
  if (!is.null(case$by)) {
    g <- data[[case$by]]
    base <- base & !is.na(g) & g %in% valid_codes(codes, case$by)
    data$grp_ <- g
  } else {
    data$grp_ <- 0
  }
  cats <- categories_of(valid_y, case$collapse)
  cat_index <- rep(NA_real_, nrow(data))
  for (k in seq_along(cats)) cat_index[!is.na(y) & y %in% cats[[k]]] <- k
  data$ycat_ <- cat_index
  data$base_ <- base

  d <- svydesign(ids = ~1, weights = ~w, data = data)
  list(dd = subset(d, base_), cats = cats)
}

run_share <- function(data, codes, case) {
  domain <- share_domain(data, codes, case)
  dd <- domain$dd
  cats <- domain$cats
  groups <- sort(unique(dd$variables$grp_))
  rows <- list()
  for (g in groups) {
    sg <- subset(dd, grp_ == g)
    for (k in seq_along(cats)) {
      s <- update(sg, yk_ = as.numeric(ycat_ == k))
      m <- svymean(~yk_, s)
      ci <- suppressWarnings(attr(svyciprop(~yk_, s, method = "logit"), "ci"))
      beta <- suppressWarnings(attr(svyciprop(~yk_, s, method = "beta"), "ci"))
      row <- list(
        group_code = if (is.null(case$by)) "all" else as.integer(g),
        code = paste(cats[[k]], collapse = "+"),
        estimate = num(coef(m)[1]), se = num(SE(m)[1]),
        ci_low = num(ci[1]), ci_high = num(ci[2]), n = nrow(sg),
        beta_low = num(beta[1]), beta_high = num(beta[2]))
      # The boundary is decided by counts: svymean can give 0.9999999999999999 (and an SE of
      # 1e-17) when everybody in the group is in the category.
      x <- sum(s$variables$yk_)
      if (degf(s) == 1 && x > 0 && x < nrow(s)) {
        # Two respondents: confint.svyglm turns t(1) into a normal level, 1 - 2 * pnorm(qt(.025, 1)),
        # which rounds to 1, so svyciprop's logit interval is (0, NaN). The interval it stands
        # for, from the same glm, with the t(1) quantile applied directly:
        fit <- svyglm(yk_ ~ 1, s, family = quasibinomial)
        lt <- plogis(coef(fit)[[1]] + c(-1, 1) * qt(0.975, degf(s)) * SE(fit)[[1]])
        row$logit_t_low <- num(lt[1])
        row$logit_t_high <- num(lt[2])
      }
      if ((x == 0 || x == nrow(s)) && nrow(s) >= 2) {
        # Korn–Graubard with n.eff = n; for this design its df factor is 1 (checked), which
        # makes it the Clopper–Pearson interval.
        factor <- (qt(0.025, nrow(s) - 1) / qt(0.025, degf(s)))^2
        if (factor != 1) stop("df factor ", factor, " for ", case$variable, " group ", g)
        cp <- binom.test(x, nrow(s))$conf.int
        row$cp_low <- num(cp[1])
        row$cp_high <- num(cp[2])
      }
      rows[[length(rows) + 1]] <- row
    }
  }
  test <- NULL
  if (!is.null(case$by) && length(groups) >= 2 && length(unique(dd$variables$ycat_)) >= 2) {
    # svychisq can fail (e.g. a singular design-effect matrix when a cell or a whole group is
    # degenerate); the error is recorded so that the Python side can be checked against it.
    test <- tryCatch({
      chi <- svychisq(~ycat_ + grp_, dd, statistic = "F")
      list(statistic = num(chi$statistic), ndf = num(chi$parameter[["ndf"]]),
           ddf = num(chi$parameter[["ddf"]]), p_value = num(chi$p.value))
    }, error = function(e) list(error = conditionMessage(e)))
  }
  list(rows = rows, test = test, n_base = nrow(dd))
}

run_test_subset <- function(data, codes, case) {
  domain <- share_domain(data, codes, case)
  dd <- domain$dd
  if (case$columns == "top2") {
    valid_y <- valid_codes(codes, case$variable)
    y <- dd$variables[[case$variable]]
    dd <- update(dd, ycat_ = ifelse(y %in% valid_y[1:2], 1, 2))
  }
  n_group <- table(dd$variables$grp_)
  groups <- if (!is.null(case$groups)) case$groups else as.integer(names(n_group)[n_group >= case$min_n])
  ds <- subset(dd, grp_ %in% groups)
  chi <- svychisq(~ycat_ + grp_, ds, statistic = "F")
  list(groups = I(as.integer(groups)),
       n_domain = nrow(ds), degf = degf(ds), n_all_groups = nrow(dd),
       test = list(statistic = num(chi$statistic), ndf = num(chi$parameter[["ndf"]]),
                   ddf = num(chi$parameter[["ddf"]]), p_value = num(chi$p.value)))
}

run_mean <- function(data, codes, case) {
  x <- data[[case$variable]]
  base <- !is.na(x) & where_ok(data, case$where)
  if (!is.null(case$by)) {
    g <- data[[case$by]]
    base <- base & !is.na(g) & g %in% valid_codes(codes, case$by)
    data$grp_ <- g
  } else {
    data$grp_ <- 0
  }
  data$base_ <- base
  data$x_ <- x
  d <- svydesign(ids = ~1, weights = ~w, data = data)
  groups <- sort(unique(data$grp_[base]))
  rows <- list()
  for (g in groups) {
    s <- subset(d, base_ & grp_ == g)
    m <- svymean(~x_, s)
    ci <- confint(m)
    rows[[length(rows) + 1]] <- list(
      group_code = if (is.null(case$by)) "all" else as.integer(g),
      estimate = num(coef(m)[1]), se = num(SE(m)[1]),
      ci_low = num(ci[1, 1]), ci_high = num(ci[1, 2]), n = nrow(s))
  }
  list(rows = rows)
}

as_json_where <- function(where) {
  if (!length(where)) return(setNames(list(), character(0)))
  lapply(where, function(v) I(as.integer(v)))
}

fixtures <- list()
for (name in names(CASES)) {
  data <- read.csv(file.path(data_dir, paste0(name, ".csv")), stringsAsFactors = FALSE,
                   colClasses = c(id = "character"))
  codes <- read.csv(file.path(data_dir, paste0(name, "_codes.csv")), stringsAsFactors = FALSE)
  codes$missing <- as.logical(codes$missing)
  out <- list()
  for (case in CASES[[name]]) {
    entry <- list(data = name, kind = case$kind, variable = case$variable, by = case$by,
                  where = as_json_where(case$where), collapse = case$collapse,
                  n_design = nrow(data))
    if (case$kind == "test_subset") {
      result <- run_test_subset(data, codes, case)
      entry$columns <- case$columns
      entry$min_n <- case$min_n
      entry <- c(entry, result)
    } else {
      result <- if (case$kind == "share") run_share(data, codes, case) else run_mean(data, codes, case)
      entry$rows <- result$rows
      if (case$kind == "share") entry$test <- result$test
    }
    out[[length(out) + 1]] <- entry
  }
  fixtures[[name]] <- out
  cat(sprintf("%s: %d cases\n", name, length(out)))
}

meta <- list(
  generated_by = "tests/r_reference/make_fixtures.R",
  r_version = R.version.string,
  survey_version = as.character(packageVersion("survey")),
  jsonlite_version = as.character(packageVersion("jsonlite")),
  calls = c(
    "d <- svydesign(ids = ~1, weights = ~w, data = all_respondents)",
    "dd <- subset(d, valid answer & valid group & where)",
    "s <- update(subset(dd, grp_ == g), yk_ = as.numeric(ycat_ == k))",
    "svymean(~yk_, s); attr(svyciprop(~yk_, s, method = 'logit'), 'ci')",
    "attr(svyciprop(~yk_, s, method = 'beta'), 'ci')",
    "degf(s) = 1, 0 < p < 1: plogis(coef(fit) + c(-1, 1) * qt(.975, 1) * SE(fit)), fit = svyglm(yk_ ~ 1, s, family = quasibinomial)",
    "x = sum(yk_) in {0, nrow(s)}, nrow(s) >= 2: binom.test(x, nrow(s))$conf.int",
    "svychisq(~ycat_ + grp_, dd, statistic = 'F')",
    "test_subset: svychisq(~ycat_ + grp_, subset(dd, grp_ %in% groups), statistic = 'F')",
    "svymean(~x, subset(d, !is.na(x) & grp_ == g & where)); confint(...)"
  )
)
json <- toJSON(list(meta = meta, datasets = fixtures), json_verbatim = TRUE, auto_unbox = TRUE,
               null = "null", pretty = TRUE)
writeLines(json, file.path(here, "fixtures.json"))
cat("wrote", file.path(here, "fixtures.json"), "\n")
