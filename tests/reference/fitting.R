# Reference values for coprod_gui.core.stats.fitting (ols, logit), from base R lm/glm and
# sandwich, on tests/reference/fitting_data.csv (written by tests/core/test_fitting_r.py).
# Run:  Rscript tests/reference/fitting.R tests/reference/fitting_data.csv > tests/reference/fitting_r.tsv
# Errors: HC3 (vcovHC), council-clustered CRV1 (vcovCL HC1 with G/(G-1)), logit model-based
# (vcov), weighted logit sandwich HC0 (vcovHC), clustered logit (vcovCL HC1). Nothing here
# shares code or algebra with the Python.
suppressMessages(library(sandwich))
args <- commandArgs(TRUE)
d <- read.csv(if (length(args)) args[1] else "tests/reference/fitting_data.csv")
xs <- grep("^x", names(d), value = TRUE)
f_lin <- reformulate(xs, "y")
f_bin <- reformulate(xs, "yb")
out <- function(case, fit, v) {
  b <- coef(fit)
  se <- sqrt(diag(v))
  for (i in seq_along(b)) cat(case, names(b)[i], sprintf("%.15g", b[i]), sprintf("%.15g", se[i]), sep = "\t", "\n")
}
m <- lm(f_lin, data = d)
out("ols_hc3", m, vcovHC(m, type = "HC3"))
out("ols_cluster", m, vcovCL(m, cluster = ~g, type = "HC1", cadjust = TRUE))
mw <- lm(f_lin, data = d, weights = w)
out("wls_hc3", mw, vcovHC(mw, type = "HC3"))
out("wls_cluster", mw, vcovCL(mw, cluster = ~g, type = "HC1", cadjust = TRUE))
lg <- glm(f_bin, data = d, family = binomial, control = glm.control(epsilon = 1e-14, maxit = 100))
out("logit", lg, vcov(lg))
out("logit_cluster", lg, vcovCL(lg, cluster = ~g, type = "HC1", cadjust = TRUE))
lw <- suppressWarnings(glm(f_bin, data = d, family = binomial, weights = w,
                           control = glm.control(epsilon = 1e-14, maxit = 100)))
out("logit_weighted_hc0", lw, vcovHC(lw, type = "HC0"))
