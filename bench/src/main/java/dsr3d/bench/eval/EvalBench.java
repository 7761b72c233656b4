package dsr3d.bench.eval;

import dsr3d.models.eval.CategoryEvaluator;
import dsr3d.models.eval.CategoryMetrics;

import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Plain timing of the evaluation metrics at the scale of the full MVTec 3D-AD test set:
 * 1197 images at 384x384 (176 M pixels) in 10 categories, synthetic maps (uniform noise,
 * raised inside random elliptical defects on ~80% of the images). Not JMH: one run is tens of
 * seconds and dominated by sorting, so a wall-clock measurement per phase says enough.
 *
 * <p>Modes: {@code per-object} (default; what {@code ./3dsr evaluate} does: every category
 * separately, all five metrics) and {@code pooled} (all 176 M pixels in one evaluator, the
 * worst case for memory: ~4 bytes/pixel kept plus the sorted copy of the defect pixels).
 * <pre>
 * java -Xmx3g -cp ... dsr3d.bench.eval.EvalBench [per-object|pooled|both] [--exact] [--images N] [--size S]
 * </pre>
 */
public final class EvalBench {
    private EvalBench() {}

    public static void main(String[] args) {
        String mode = "per-object";
        int images = 1197, size = 384, categories = 10;
        CategoryEvaluator.ProVariant variant = CategoryEvaluator.ProVariant.OFFICIAL;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "per-object", "pooled", "both" -> mode = args[i];
                case "--exact" -> variant = CategoryEvaluator.ProVariant.EXACT;
                case "--images" -> images = Integer.parseInt(args[++i]);
                case "--size" -> size = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument '" + args[i]
                        + "'; usage: EvalBench [per-object|pooled|both] [--exact] [--images N] [--size S]");
            }
        }
        System.out.printf(Locale.ROOT, "EvalBench: %d images of %dx%d = %.1f M pixels, AU-PRO %s, max heap %.1f GiB%n",
                images, size, size, images * (double) size * size / 1e6, variant, Runtime.getRuntime().maxMemory() / 1073741824.0);
        if (!mode.equals("pooled")) perObject(images, size, categories, variant);
        if (!mode.equals("per-object")) pooled(images, size, variant);
    }

    static void perObject(int images, int size, int categories, CategoryEvaluator.ProVariant variant) {
        long t0 = System.nanoTime();
        double addSeconds = 0, finishSeconds = 0, generateSeconds = 0;
        SplittableRandom rnd = new SplittableRandom(42);
        double checksum = 0;
        for (int c = 0; c < categories; c++) {
            int n = images / categories + (c < images % categories ? 1 : 0);
            CategoryEvaluator ev = new CategoryEvaluator("cat" + c);
            for (int k = 0; k < n; k++) {
                long g0 = System.nanoTime();
                Synthetic s = Synthetic.image(rnd, size, k % 5 != 0);
                long g1 = System.nanoTime();
                ev.addImage("cat" + c + "/" + k, s.map, size, size, s.defect, s.defect, s.anomalous);
                long g2 = System.nanoTime();
                generateSeconds += (g1 - g0) / 1e9;
                addSeconds += (g2 - g1) / 1e9;
            }
            long f0 = System.nanoTime();
            CategoryMetrics m = ev.finish(0.3, variant);
            finishSeconds += (System.nanoTime() - f0) / 1e9;
            checksum += m.auPro() + m.pixelAuroc();
            System.out.printf(Locale.ROOT, "  cat%d: %d images, %d components, I-AUROC %.4f P-AUROC %.4f AU-PRO %.4f I-AP %.4f P-AP %.4f%n",
                    c, n, m.components(), m.imageAuroc(), m.pixelAuroc(), m.auPro(), m.imageAp(), m.pixelAp());
        }
        double total = (System.nanoTime() - t0) / 1e9;
        System.out.printf(Locale.ROOT, "per-object: metrics %.1f s (addImage: labelling + copying %.1f s, finish: sorting + curves %.1f s); "
                + "synthetic data generation %.1f s; wall %.1f s (checksum %.4f)%n", addSeconds + finishSeconds, addSeconds, finishSeconds,
                generateSeconds, total, checksum);
    }

    static void pooled(int images, int size, CategoryEvaluator.ProVariant variant) {
        SplittableRandom rnd = new SplittableRandom(7);
        CategoryEvaluator ev = new CategoryEvaluator("all");
        double add = 0;
        for (int k = 0; k < images; k++) {
            Synthetic s = Synthetic.image(rnd, size, k % 5 != 0);
            long a0 = System.nanoTime();
            ev.addImage("img" + k, s.map, size, size, s.defect, s.defect, s.anomalous);
            add += (System.nanoTime() - a0) / 1e9;
        }
        long f0 = System.nanoTime();
        CategoryMetrics m = ev.finish(0.3, variant);
        double finish = (System.nanoTime() - f0) / 1e9;
        Runtime rt = Runtime.getRuntime();
        System.out.printf(Locale.ROOT, "pooled (%d images in one category): addImage %.1f s, finish %.1f s, total metrics %.1f s; "
                        + "P-AUROC %.4f AU-PRO %.4f; heap in use after %.2f GiB%n", images, add, finish, add + finish,
                m.pixelAuroc(), m.auPro(), (rt.totalMemory() - rt.freeMemory()) / 1073741824.0);
    }

    /** One synthetic image: uniform noise, a few elliptical defects scored higher on average. */
    record Synthetic(float[] map, boolean[] defect, boolean anomalous) {
        static Synthetic image(SplittableRandom r, int size, boolean anomalous) {
            float[] map = new float[size * size];
            boolean[] defect = new boolean[size * size];
            for (int i = 0; i < map.length; i++) map[i] = (float) r.nextDouble();
            if (anomalous) {
                int blobs = 1 + r.nextInt(3);
                for (int b = 0; b < blobs; b++) {
                    double cx = r.nextDouble() * size, cy = r.nextDouble() * size;
                    double rx = 3 + r.nextDouble() * size / 12, ry = 3 + r.nextDouble() * size / 12;
                    for (int y = Math.max(0, (int) (cy - ry)); y < Math.min(size, (int) (cy + ry) + 1); y++)
                        for (int x = Math.max(0, (int) (cx - rx)); x < Math.min(size, (int) (cx + rx) + 1); x++) {
                            double dx = (x - cx) / rx, dy = (y - cy) / ry;
                            if (dx * dx + dy * dy <= 1) {
                                int i = y * size + x;
                                defect[i] = true;
                                map[i] = (float) (0.4 + 0.6 * r.nextDouble());
                            }
                        }
                }
            }
            return new Synthetic(map, defect, anomalous);
        }
    }
}
