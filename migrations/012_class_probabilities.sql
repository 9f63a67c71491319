-- Classifiers (target CLASS): each prediction's class probabilities, in the
-- order of its predictor's spec.classes; null for regression predictions.
ALTER TABLE predictions ADD COLUMN class_probabilities real[];
