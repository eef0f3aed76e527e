# Load policyminer's diffusion tables in R: NetInf with the NetworkInference package, and a
# pooled event-history logit on eha_panel.tsv.
#
#   Rscript scripts/examples/diffusion.R OUTDIR
#
# OUTDIR comes from `policyminer run --eha-panel -o OUTDIR ...`. Needs the CRAN package
# NetworkInference (install.packages("NetworkInference")). Not run by `make test` (R is
# not installed there); policyminer's own network.tsv uses the same likelihood, so the
# two edge lists should agree for the same model, alpha and number of edges.
suppressPackageStartupMessages(library(NetworkInference))

args <- commandArgs(trailingOnly = TRUE)
outdir <- if (length(args) >= 1) args[1] else "out"
rd <- function(name) {
  # region codes are names: read every *_node / *_code column as text
  read.delim(file.path(outdir, name), colClasses = c(node_name = "character",
             province_code = "character"), stringsAsFactors = FALSE, na.strings = "")
}

# --- NetInf over the named experiments ----------------------------------------------------
adoptions <- rd("adoptions.tsv")
experiments <- read.delim(file.path(outdir, "experiments.tsv"), stringsAsFactors = FALSE)
named <- experiments$cascade_id[experiments$kind == "experiment"]
adoptions <- adoptions[adoptions$cascade_id %in% named, ]
nodes <- rd("nodes.tsv")            # every region that could adopt, non-adopters included

cascades <- as_cascade_long(adoptions, cascade_node_name = "node_name",
                            event_time = "event_time", cascade_id = "cascade_id",
                            node_names = unique(c(nodes$node_name, adoptions$node_name)))
n_edges <- max(1, length(unique(adoptions$node_name)) - 1)
net <- netinf(cascades, trans_mod = "exponential", params = 1, n_edges = n_edges,
              quiet = TRUE)
print(head(net[order(-net$improvement), ], 10))

ours <- read.delim(file.path(outdir, "network.tsv"), colClasses = c(origin_node = "character",
                   destination_node = "character"))
shared <- merge(net, ours, by = c("origin_node", "destination_node"))
cat(sprintf("edges in both: %d of %d (R) and %d (policyminer)\n", nrow(shared), nrow(net),
            nrow(ours)))

# --- pooled event-history logit -------------------------------------------------------------
panel_path <- file.path(outdir, "eha_panel.tsv")
if (file.exists(panel_path)) {
  eha <- rd("eha_panel.tsv")
  # one row per experiment x region x year at risk; year effects absorb common trends
  fit <- glm(adopted ~ prior_same_province + prior_neighbouring + centre_before +
               factor(level) + factor(year),
             family = binomial(link = "logit"), data = eha)
  print(summary(fit)$coefficients[c("prior_same_province", "prior_neighbouring",
                                    "centre_before"), , drop = FALSE])
} else {
  cat("no eha_panel.tsv: rerun policyminer run with --eha-panel\n")
}
