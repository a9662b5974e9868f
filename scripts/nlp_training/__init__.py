"""Pieces of scripts/train_nlp_models.py: the corpus, the feature table, the fit, the file."""
