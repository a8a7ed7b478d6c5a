package dev.tandem.mapping.ai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * Turns the signals of one (source field, target field) pair into a probability that the pair is right: a logistic
 * regression {@code 1 / (1 + e^-(bias + Σ wᵢ·xᵢ))} over {@link #FEATURES}, with coefficients fitted on the
 * development split of the development set only and stored in {@code calibration.json} beside this class
 * (refitted by {@code CalibrationFitTest}, docs/ai-mapping.md). So 0.5 means "more likely right than wrong".
 */
public record Calibration(List<String> features, double[] weights, double bias) {

    /** name, exact name, embedding, values (in [0, 1]), structure (in [−1, 1]), the margins over the next best target, inside an array of non-address objects (0 or 1). */
    public static final List<String> FEATURES = List.of("name", "exactName", "embedding", "values", "structure",
            "nameMargin", "embeddingMargin", "repeatedChild");

    public Calibration {
        features = List.copyOf(features);
        if (!features.equals(FEATURES) || weights.length != FEATURES.size()) {
            throw new IllegalArgumentException("calibration features " + features + " are not " + FEATURES);
        }
        weights = weights.clone();
    }

    public double logit(double[] x) {
        double z = bias;
        for (int i = 0; i < weights.length; i++) {
            z += weights[i] * x[i];
        }
        return z;
    }

    public static double sigmoid(double z) {
        return 1 / (1 + Math.exp(-z));
    }

    /** The shipped coefficients. */
    public static Calibration shipped() {
        try (InputStream in = Calibration.class.getResourceAsStream("calibration.json")) {
            if (in == null) {
                throw new IllegalStateException("calibration.json is missing from tandem-mapping-ai");
            }
            return read(new ObjectMapper().readTree(in));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Calibration read(JsonNode json) {
        List<String> names = new java.util.ArrayList<>();
        json.path("features").forEach(f -> names.add(f.asText()));
        double[] w = new double[json.path("weights").size()];
        for (int i = 0; i < w.length; i++) {
            w[i] = json.path("weights").get(i).asDouble();
        }
        return new Calibration(names, w, json.path("bias").asDouble());
    }
}
