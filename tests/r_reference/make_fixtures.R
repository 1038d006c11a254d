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
#   svychisq(~ycat_ + grp_, dd, statistic = "F")    -> statistic, parameter (ndf, ddf), p.value
#   (ycat_ is the collapsed category when collapse is given, else the code itself; grp_ is the
#   breakdown's code, or 0 without a breakdown, in which case there is no test.)
#
#   Means: svymean(~x, subset(d, !is.na(x) & grp_ == g & <valid group> & <where>)), with
#   confint() of that svymean for the (normal) interval.
#
# The indicator yk_ is created with update() on the design (inside svyciprop the formula is
# evaluated in the design's variables, so a formula referring to a loop variable would not do).
#
# Versions used to write the committed fixtures.json: R 4.2.2 Patched (2022-11-10 r83330),
# survey 4.1.1, jsonlite (numbers are written with sprintf("%.17g"), i.e. full precision).
#
# Rerun (from the repository root):
#   python tests/r_reference/export_data.py     # only if the data sets change
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
      mean_case("factory_index", "centrality", where = list(q207 = 1L))
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
      mean_case("factory_index", "gender", where = list(centrality = c(3L, 4L, 5L, 6L)))
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
      mean_case("factory_index", "sector", where = list(q1 = 2L))
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

run_share <- function(data, codes, case) {
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
  dd <- subset(d, base_)
  groups <- sort(unique(dd$variables$grp_))
  rows <- list()
  for (g in groups) {
    sg <- subset(dd, grp_ == g)
    for (k in seq_along(cats)) {
      s <- update(sg, yk_ = as.numeric(ycat_ == k))
      m <- svymean(~yk_, s)
      ci <- suppressWarnings(attr(svyciprop(~yk_, s, method = "logit"), "ci"))
      rows[[length(rows) + 1]] <- list(
        group_code = if (is.null(case$by)) "all" else as.integer(g),
        code = paste(cats[[k]], collapse = "+"),
        estimate = num(coef(m)[1]), se = num(SE(m)[1]),
        ci_low = num(ci[1]), ci_high = num(ci[2]), n = nrow(sg))
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
    result <- if (case$kind == "share") run_share(data, codes, case) else run_mean(data, codes, case)
    entry <- list(data = name, kind = case$kind, variable = case$variable, by = case$by,
                  where = as_json_where(case$where), collapse = case$collapse,
                  n_design = nrow(data), rows = result$rows)
    if (case$kind == "share") entry$test <- result$test
    out[[length(out) + 1]] <- entry
  }
  fixtures[[name]] <- out
  cat(sprintf("%s: %d cases\n", name, length(out)))
}

meta <- list(
  generated_by = "tests/r_reference/make_fixtures.R",
  r_version = R.version.string,
  survey_version = as.character(packageVersion("survey")),
  calls = c(
    "d <- svydesign(ids = ~1, weights = ~w, data = all_respondents)",
    "dd <- subset(d, valid answer & valid group & where)",
    "s <- update(subset(dd, grp_ == g), yk_ = as.numeric(ycat_ == k))",
    "svymean(~yk_, s); attr(svyciprop(~yk_, s, method = 'logit'), 'ci')",
    "svychisq(~ycat_ + grp_, dd, statistic = 'F')",
    "svymean(~x, subset(d, !is.na(x) & grp_ == g & where)); confint(...)"
  )
)
json <- toJSON(list(meta = meta, datasets = fixtures), json_verbatim = TRUE, auto_unbox = TRUE,
               null = "null", pretty = TRUE)
writeLines(json, file.path(here, "fixtures.json"))
cat("wrote", file.path(here, "fixtures.json"), "\n")
