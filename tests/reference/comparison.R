# Reference values for coprod_gui.core.stats.comparison.compare_participation, from base R
# glm + sandwich, on tests/reference/comparison_data.csv (made by tests/core/planted.py,
# planted_frame(1500, 7)). Run:  Rscript tests/reference/comparison.R > tests/reference/comparison_r.tsv
# The stacked model is fitted as one glm on two rows per respondent, every term interacted
# with the form; errors clustered by respondent (vcovCL, HC0, G/(G-1)). The points-scale
# effects (average change in the chance of taking part) get delta-method errors from a
# numerical gradient, so nothing here shares code or algebra with the Python.
suppressMessages(library(sandwich))
args <- commandArgs(TRUE)
path <- if (length(args)) args[1] else "tests/reference/comparison_data.csv"
d <- read.csv(path, stringsAsFactors = FALSE)
most_common <- function(v) names(sort(table(v), decreasing = TRUE))[1]
d$authority <- relevel(factor(d$authority), ref = most_common(d$authority))
d$gender <- relevel(factor(d$gender), ref = most_common(d$gender))
long <- rbind(
  transform(d, col = 0, y = any_individual),
  transform(d, col = 1, y = any_collective)
)
rhs <- ~ (efficacy + consultation_satisfaction + age + gender + authority) * col
form <- update(rhs, y ~ .)
grad <- function(f, b, h = 1e-5) {
  sapply(seq_along(b), function(i) {
    e <- replace(numeric(length(b)), i, h)
    (f(b + e) - f(b - e)) / (2 * h)
  })
}
terms_py <- c(efficacy = "efficacy", consultation_satisfaction = "consultation_satisfaction",
              age = "age", genderMale = "gender=Male")
for (weighted in c(FALSE, TRUE)) {
  w <- if (weighted) long$weight else rep(1, nrow(long))
  long$w <- w
  fit <- glm(form, family = quasibinomial(), data = long, weights = w,
             control = glm.control(epsilon = 1e-14, maxit = 100))
  V <- vcovCL(fit, cluster = ~id, type = "HC0")
  b <- coef(fit)
  tt <- delete.response(terms(fit))
  # chance of taking part in form c (0/1) for everyone, with `set` applied to their data
  chance <- function(beta, c, set) {
    nd <- d
    nd$col <- c
    nd <- set(nd)
    X <- model.matrix(tt, nd)
    plogis(drop(X %*% beta))
  }
  wd <- if (weighted) d$weight else rep(1, nrow(d))
  wmean <- function(v) sum(wd * v) / sum(wd)
  effect <- function(term, c) {
    if (term %in% c("efficacy", "consultation_satisfaction")) {
      function(beta) 100 * wmean(chance(beta, c, function(nd) { nd[[term]] <- 1; nd }) -
                                 chance(beta, c, function(nd) { nd[[term]] <- 0; nd }))
    } else if (term == "age") {
      function(beta) {
        p <- chance(beta, c, identity)
        100 * wmean(p * (1 - p)) * (beta[["age"]] + c * beta[["age:col"]])
      }
    } else {
      function(beta) {
        lev <- function(l) function(nd) { nd$gender <- factor(l, levels = levels(d$gender)); nd }
        100 * wmean(chance(beta, c, lev("Male")) - chance(beta, c, lev("Female")))
      }
    }
  }
  for (rt in names(terms_py)) {
    out <- function(scale, q, v) cat(sprintf("%s\t%s\t%s\t%s\t%.12g\n",
                                             if (weighted) "weighted" else "unweighted",
                                             terms_py[[rt]], scale, q, v))
    # odds scale: individual = b[t], collective = b[t] + b[t:col], difference = b[t:col]
    gi <- replace(numeric(length(b)), match(rt, names(b)), 1)
    gd <- replace(numeric(length(b)), match(paste0(rt, ":col"), names(b)), 1)
    gc <- gi + gd
    for (q in list(list("individual", gi), list("collective", gc), list("difference", gd))) {
      out("odds", q[[1]], sum(q[[2]] * b))
      out("odds", paste0(q[[1]], "_se"), sqrt(drop(t(q[[2]]) %*% V %*% q[[2]])))
    }
    fi <- effect(rt, 0)
    fc <- effect(rt, 1)
    fd <- function(beta) fc(beta) - fi(beta)
    for (q in list(list("individual", fi), list("collective", fc), list("difference", fd))) {
      g <- grad(q[[2]], b)
      out("points", q[[1]], q[[2]](b))
      out("points", paste0(q[[1]], "_se"), sqrt(drop(t(g) %*% V %*% g)))
    }
  }
}
