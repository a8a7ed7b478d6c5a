package dev.tandem.mapping.ai;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shipped calibration is the logistic regression fitted on the development split only: this test refits it
 * (L2-regularised maximum likelihood by Newton's method, from zero) and checks the shipped coefficients are that
 * fit. {@code -Dtandem.refit=true} writes the new fit into src/main/resources instead (docs/ai-mapping.md).
 */
class CalibrationFitTest {

    static final double L2 = 0.01;

    record Row(double[] x, int y, String pair) {
    }

    static List<Row> developmentRows() {
        Suggester suggester = new Suggester(EmbeddingSignal.load(), Calibration.shipped());
        List<Row> rows = new ArrayList<>();
        for (DevSet.Pair p : DevSet.pairs()) {
            if (!p.development()) {
                continue;
            }
            var candidates = suggester.candidates(SourceFields.collect(p.records()), Suggester.writable(p.describe()));
            candidates.forEach((path, list) -> {
                Set<String> right = p.truth().getOrDefault(path, Set.of());
                for (Suggester.Candidate c : list) {
                    rows.add(new Row(c.features(), right.contains(c.target().name()) ? 1 : 0, p.name()));
                }
            });
        }
        return rows;
    }

    /**
     * Newton's method (iteratively reweighted least squares) on the log loss plus {@code L2·|w|²/2} (not on the
     * bias), from zero; returns {bias, w...}.
     */
    static double[] fit(List<Row> rows) {
        return fit(rows, L2);
    }

    static double[] fit(List<Row> rows, double l2) {
        int k = Calibration.FEATURES.size() + 1;
        double[] beta = new double[k];
        for (int iter = 0; iter < 50; iter++) {
            double[] grad = new double[k];
            double[][] hess = new double[k][k];
            for (Row r : rows) {
                double[] x = new double[k];
                x[0] = 1;
                System.arraycopy(r.x(), 0, x, 1, k - 1);
                double z = 0;
                for (int i = 0; i < k; i++) {
                    z += beta[i] * x[i];
                }
                double p = Calibration.sigmoid(z);
                for (int i = 0; i < k; i++) {
                    grad[i] += (p - r.y()) * x[i];
                    for (int j = 0; j < k; j++) {
                        hess[i][j] += p * (1 - p) * x[i] * x[j];
                    }
                }
            }
            for (int i = 1; i < k; i++) {
                grad[i] += l2 * beta[i];
                hess[i][i] += l2;
            }
            double[] step = solve(hess, grad);
            double size = 0;
            for (int i = 0; i < k; i++) {
                beta[i] -= step[i];
                size = Math.max(size, Math.abs(step[i]));
            }
            if (size < 1e-9) {
                break;
            }
        }
        return beta;
    }

    /** Gaussian elimination with partial pivoting: a · x = b. */
    static double[] solve(double[][] a, double[] b) {
        int n = b.length;
        double[][] m = new double[n][];
        for (int i = 0; i < n; i++) {
            m[i] = java.util.Arrays.copyOf(a[i], n + 1);
            m[i][n] = b[i];
        }
        for (int c = 0; c < n; c++) {
            int pivot = c;
            for (int r = c + 1; r < n; r++) {
                if (Math.abs(m[r][c]) > Math.abs(m[pivot][c])) {
                    pivot = r;
                }
            }
            double[] t = m[c];
            m[c] = m[pivot];
            m[pivot] = t;
            for (int r = c + 1; r < n; r++) {
                double f = m[r][c] / m[c][c];
                for (int j = c; j <= n; j++) {
                    m[r][j] -= f * m[c][j];
                }
            }
        }
        double[] x = new double[n];
        for (int r = n - 1; r >= 0; r--) {
            double s = m[r][n];
            for (int j = r + 1; j < n; j++) {
                s -= m[r][j] * x[j];
            }
            x[r] = s / m[r][r];
        }
        return x;
    }

    /** The mean log loss on each development pair of the fit on the other development pairs (leave one pair out). */
    static double crossValidatedLogLoss(List<Row> rows, double l2) {
        double loss = 0;
        int n = 0;
        for (String pair : rows.stream().map(Row::pair).distinct().toList()) {
            double[] beta = fit(rows.stream().filter(r -> !r.pair().equals(pair)).toList(), l2);
            for (Row r : rows) {
                if (r.pair().equals(pair)) {
                    double z = beta[0];
                    for (int i = 0; i < r.x().length; i++) {
                        z += beta[i + 1] * r.x()[i];
                    }
                    double p = Math.min(1 - 1e-12, Math.max(1e-12, Calibration.sigmoid(z)));
                    loss -= r.y() == 1 ? Math.log(p) : Math.log(1 - p);
                    n++;
                }
            }
        }
        return loss / n;
    }

    /**
     * L2 is chosen by leave-one-pair-out cross-validation on the development split (never the held-out pairs): the
     * shipped value has the smallest cross-validated log loss of the candidates.
     */
    @Test
    void theRegularisationIsTheBestOfTheCandidatesInCrossValidationOnTheDevelopmentSplit() {
        List<Row> rows = developmentRows();
        double best = Double.NaN;
        double bestLoss = Double.MAX_VALUE;
        for (double l2 : new double[] {0.01, 0.1, 0.3, 1.0, 3.0}) {
            double loss = crossValidatedLogLoss(rows, l2);
            System.out.printf(java.util.Locale.ROOT, "L2 %.2f: leave-one-pair-out log loss %.5f%n", l2, loss);
            if (loss < bestLoss) {
                bestLoss = loss;
                best = l2;
            }
        }
        assertThat(L2).as("the L2 with the smallest cross-validated log loss").isEqualTo(best);
    }

    @Test
    void theShippedCalibrationIsTheFitOnTheDevelopmentSplit() throws Exception {
        List<Row> rows = developmentRows();
        assertThat(rows.stream().filter(r -> r.y() == 1).count()).as("positives").isGreaterThan(50);
        double[] beta = fit(rows);
        if (Boolean.getBoolean("tandem.refit")) {
            ObjectNode json = DevSet.JSON.createObjectNode();
            json.put("note", "Logistic regression fitted by CalibrationFitTest on the development split of src/test/resources/devset "
                    + "only (" + rows.size() + " candidate pairs, " + rows.stream().filter(r -> r.y() == 1).count()
                    + " right); L2 " + L2 + ". Refit: ./mvnw -pl tandem-mapping-ai verify -Dtest=CalibrationFitTest -Dtandem.refit=true");
            ArrayNode f = json.putArray("features");
            Calibration.FEATURES.forEach(f::add);
            ArrayNode w = json.putArray("weights");
            for (int i = 1; i < beta.length; i++) {
                w.add(Math.round(beta[i] * 10_000) / 10_000.0);
            }
            json.put("bias", Math.round(beta[0] * 10_000) / 10_000.0);
            Path file = Path.of("src/main/resources/dev/tandem/mapping/ai/calibration.json");
            Files.writeString(file, DevSet.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(json) + "\n");
            System.out.println("wrote " + file.toAbsolutePath());
            return;
        }
        Calibration shipped = Calibration.shipped();
        assertThat(shipped.bias()).as("bias").isCloseTo(beta[0], org.assertj.core.data.Offset.offset(0.05));
        for (int i = 0; i < shipped.weights().length; i++) {
            assertThat(shipped.weights()[i]).as(Calibration.FEATURES.get(i))
                    .isCloseTo(beta[i + 1], org.assertj.core.data.Offset.offset(0.05));
        }
    }
}
