package dsr3d.tests.infer;

import dsr3d.models.cli.Main;
import dsr3d.models.dada.DadaConfig;
import dsr3d.models.dada.DadaModel;
import dsr3d.models.dada.Modality;
import dsr3d.models.infer.DadaWeights;
import dsr3d.models.stage2.Stage2Model;
import dsr3d.nn.io.Checkpoint;
import dsr3d.nn.io.SafeTensors;
import dsr3d.simulate.io.FloatImage;
import dsr3d.simulate.io.Tiff;
import dsr3d.tensor.DType;
import dsr3d.tensor.Tensor;
import com.google.gson.JsonArray;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code ./3dsr infer} end to end on a tiny synthetic category (small preset, random weights, 64 x 64):
 * maps where evaluate reads them, scores.json, intermediates with their shapes and dtypes, overlays,
 * the single-image mode; and the errors: a mismatched DADA (both hashes named), a corrupt or partial
 * model file, an incomplete official prefix.
 */
class InferCommandTest {
    @TempDir
    static Path tmp;
    static Path data, dadaFile, modelFile, otherDada;

    @BeforeAll
    static void setUp() throws Exception {
        data = tmp.resolve("data");
        assertEquals(0, Main.execute("synth", "--out", data.toString(), "--categories", "tire", "--size", "64",
                "--train", "1", "--validation", "1", "--test", "4", "--seed", "5"));
        DadaConfig dc = DadaConfig.small(Modality.RGBD, false);
        DadaModel dada = DadaModel.createForTraining(dc, new Random(1));
        dadaFile = tmp.resolve("dada.safetensors");
        new Checkpoint(dada.stateDict(), Map.of("config", dc.toJson())).save(dadaFile);
        otherDada = tmp.resolve("other-dada.safetensors");
        new Checkpoint(DadaModel.createForTraining(dc, new Random(9)).stateDict(), Map.of("config", dc.toJson())).save(otherDada);
        Stage2Model m = Stage2Model.create(Stage2Model.Config.forDada(dc, 64), DadaWeights.sha256(dada.stateDict()), new Random(2));
        modelFile = tmp.resolve("model.safetensors");
        m.save(modelFile);
    }

    record Run(int status, String err) {}

    static Run run(String... args) {
        PrintStream old = System.err;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setErr(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            return new Run(Main.execute(args), buf.toString(StandardCharsets.UTF_8));
        } finally {
            System.setErr(old);
        }
    }

    @Test
    void datasetModeWritesWhatEvaluateReads() throws Exception {
        Path out = tmp.resolve("out");
        Run r = run("infer", "--dataset-base-dir", data.toString(), "--category", "tire", "--dada", dadaFile.toString(),
                "--model", modelFile.toString(), "--out", out.toString(), "--save-intermediates", "--overlays", "--batch", "2");
        assertEquals(0, r.status(), r.err());
        JsonArray scores = JsonParser.parseString(Files.readString(out.resolve("tire/scores.json"))).getAsJsonArray();
        List<Path> maps;
        try (Stream<Path> s = Files.walk(out.resolve("tire/test"))) { maps = s.filter(p -> p.toString().endsWith(".tiff")).toList(); }
        assertEquals(scores.size(), maps.size());
        assertTrue(scores.size() >= 4, "one score per test image");
        var first = scores.get(0).getAsJsonObject();
        Path map = out.resolve("tire/test").resolve(first.get("type").getAsString()).resolve(first.get("stem").getAsString() + ".tiff");
        FloatImage img = Tiff.readFloat(map);
        assertEquals(64, img.width());
        assertEquals(1, img.channels());
        float max = Float.NEGATIVE_INFINITY;
        for (float v : img.data()) max = Math.max(max, v);
        assertEquals(first.get("score").getAsDouble(), max, 1e-6, "score = map maximum");
        Path inter = out.resolve("tire/intermediates").resolve(first.get("type").getAsString()).resolve(first.get("stem").getAsString() + ".safetensors");
        Map<String, Tensor> t = SafeTensors.read(inter).tensors();
        assertArrayEquals(new int[] {1, 4, 64, 64}, t.get("input").shape());
        assertArrayEquals(new int[] {1, 4, 64, 64}, t.get("recon_object").shape());
        assertArrayEquals(new int[] {1, 2, 64, 64}, t.get("mask_logits").shape());
        assertArrayEquals(new int[] {64, 64}, t.get("anomaly_map").shape());
        assertArrayEquals(img.data(), t.get("anomaly_map").toFloatArray());
        assertEquals(DType.I32, t.get("indices_lo_restricted").dtype());
        assertArrayEquals(new int[] {1, 8, 8}, t.get("indices_lo").shape());
        assertArrayEquals(new int[] {1, 16, 16}, t.get("indices_hi_restricted").shape());
        assertTrue(Files.isRegularFile(out.resolve("tire/overlays").resolve(first.get("type").getAsString()).resolve(first.get("stem").getAsString() + ".png")));
        Run ev = run("evaluate", "--dataset-base-dir", data.toString(), "--anomaly-maps-dir", out.toString(), "--output-dir", tmp.resolve("eval").toString());
        assertEquals(0, ev.status(), ev.err());
        assertTrue(Files.isRegularFile(tmp.resolve("eval/metrics.json")));
    }

    @Test
    void singleImage() throws Exception {
        Path rgb;
        try (Stream<Path> s = Files.walk(data.resolve("tire/test"))) {
            rgb = s.filter(p -> p.getParent().getFileName().toString().equals("rgb")).sorted().findFirst().orElseThrow();
        }
        Path xyz = rgb.getParent().resolveSibling("xyz").resolve(rgb.getFileName().toString().replace(".png", ".tiff"));
        Path out = tmp.resolve("single");
        Run r = run("infer", "--rgb", rgb.toString(), "--xyz", xyz.toString(), "--dada", dadaFile.toString(),
                "--model", modelFile.toString(), "--out", out.toString());
        assertEquals(0, r.status(), r.err());
        String stem = rgb.getFileName().toString().replace(".png", "");
        assertTrue(Files.isRegularFile(out.resolve(stem + ".tiff")));
        assertTrue(Files.isRegularFile(out.resolve(stem + ".png")));
        var scores = JsonParser.parseString(Files.readString(out.resolve("scores.json"))).getAsJsonArray();
        assertEquals(1, scores.size());
        assertEquals("unknown", scores.get(0).getAsJsonObject().get("type").getAsString(), "a lone image has no label: " + scores);
    }

    @Test
    void mismatchedDadaNamesBothHashes() throws Exception {
        Run r = run("infer", "--dataset-base-dir", data.toString(), "--category", "tire", "--dada", otherDada.toString(),
                "--model", modelFile.toString(), "--out", tmp.resolve("x").toString());
        assertEquals(2, r.status(), r.err());
        String want = Stage2Model.load(modelFile, null, 0).dadaSha256();
        assertTrue(r.err().contains(want), r.err());
        assertTrue(r.err().contains(DadaWeights.load(otherDada, 0).sha256()), r.err());
    }

    @Test
    void corruptPartialAndIncompleteModels() throws Exception {
        byte[] all = Files.readAllBytes(modelFile);
        Path partial = tmp.resolve("partial.safetensors");
        Files.write(partial, Arrays.copyOf(all, all.length / 2));
        Run r = run("infer", "--rgb", "a.png", "--xyz", "a.tiff", "--dada", dadaFile.toString(), "--model", partial.toString(), "--out", tmp.resolve("y").toString());
        assertEquals(1, r.status(), r.err());
        assertTrue(r.err().contains("partial.safetensors"), r.err());
        // a model file missing the decoder: every missing key of the part is listed
        Map<String, Tensor> t = new java.util.LinkedHashMap<>(SafeTensors.read(modelFile).tensors());
        t.keySet().removeIf(k -> k.startsWith("decode."));
        Path noDecode = tmp.resolve("nodecode.safetensors");
        SafeTensors.write(noDecode, t, SafeTensors.read(modelFile).metadata());
        r = run("infer", "--rgb", "a.png", "--xyz", "a.tiff", "--dada", dadaFile.toString(), "--model", noDecode.toString(), "--out", tmp.resolve("y").toString());
        assertEquals(1, r.status(), r.err());
        assertTrue(r.err().contains("decode") && r.err().contains("_conv_1.weight"), r.err());
        // an official prefix with one file missing
        Path prefix = tmp.resolve("official/run");
        Files.createDirectories(prefix.getParent());
        for (String p : List.of("seg", "recon_lo", "recon_hi")) Files.write(Path.of(prefix + "_" + p + ".pckl"), new byte[] {1});
        r = run("infer", "--rgb", "a.png", "--xyz", "a.tiff", "--dada", dadaFile.toString(), "--model", prefix.toString(), "--out", tmp.resolve("y").toString());
        assertEquals(1, r.status(), r.err());
        assertTrue(r.err().contains("run_decode.pckl"), r.err());
    }

    static Path fixture(String name) throws Exception {
        return Path.of(InferCommandTest.class.getResource("/fixtures/infer/" + name).toURI());
    }

    static Path[] firstTestImage() throws Exception {
        Path rgb;
        try (Stream<Path> s = Files.walk(data.resolve("tire/test"))) {
            rgb = s.filter(p -> p.getParent().getFileName().toString().equals("rgb")).sorted().findFirst().orElseThrow();
        }
        return new Path[] {rgb, rgb.getParent().resolveSibling("xyz").resolve(rgb.getFileName().toString().replace(".png", ".tiff"))};
    }

    /** Our files carry their modality: a contradicting --modality is a command-line error (exit 2), a matching one is fine. */
    @Test
    void modalityOfOurFilesComesFromTheirConfiguration() throws Exception {
        Path[] img = firstTestImage();
        Run r = run("infer", "--rgb", img[0].toString(), "--xyz", img[1].toString(), "--dada", dadaFile.toString(),
                "--model", modelFile.toString(), "--modality", "depth", "--out", tmp.resolve("m1").toString());
        assertEquals(2, r.status(), r.err());
        String first = r.err().lines().findFirst().orElse("");
        assertTrue(first.contains("--modality depth contradicts") && first.contains("model.safetensors") && first.contains("says rgbd"), r.err());
        assertTrue(Files.notExists(tmp.resolve("m1")), "nothing is written after a command-line error");
        r = run("infer", "--rgb", img[0].toString(), "--xyz", img[1].toString(), "--dada", dadaFile.toString(),
                "--model", modelFile.toString(), "--modality", "rgbd", "--out", tmp.resolve("m2").toString());
        assertEquals(0, r.status(), r.err());
    }

    /** Official files are rgbd unless --modality says otherwise; the official DADA's shapes must agree. */
    @Test
    void officialFilesAreRgbdUnlessModalitySaysOtherwise() throws Exception {
        Path[] img = firstTestImage();
        Path depthDada = fixture("pipeline_depth_dada.pckl"), depthPrefix = depthDada.resolveSibling("pipeline_depth");
        Path rgbdDada = fixture("pipeline_rgbd_dada.pckl"), rgbdPrefix = rgbdDada.resolveSibling("pipeline_rgbd");
        // a depth DADA without --modality: the default rgbd does not fit, the message names the fix
        Run r = run("infer", "--rgb", img[0].toString(), "--xyz", img[1].toString(), "--dada", depthDada.toString(),
                "--model", depthPrefix.toString(), "--out", tmp.resolve("o1").toString());
        assertEquals(2, r.status(), r.err());
        String first = r.err().lines().findFirst().orElse("");
        assertTrue(first.contains("official files are taken as rgbd") && first.contains("pipeline_depth_dada.pckl")
                && first.contains("give --modality depth"), r.err());
        // --modality depth: runs as depth (one channel, the official box 21)
        Path out = tmp.resolve("o2");
        r = run("infer", "--rgb", img[0].toString(), "--xyz", img[1].toString(), "--dada", depthDada.toString(),
                "--model", depthPrefix.toString(), "--modality", "depth", "--out", out.toString());
        assertEquals(0, r.status(), r.err());
        assertEquals(1, JsonParser.parseString(Files.readString(out.resolve("scores.json"))).getAsJsonArray().size());
        // an rgbd DADA with --modality depth: contradiction
        r = run("infer", "--rgb", img[0].toString(), "--xyz", img[1].toString(), "--dada", rgbdDada.toString(),
                "--model", rgbdPrefix.toString(), "--modality", "depth", "--out", tmp.resolve("o3").toString());
        assertEquals(2, r.status(), r.err());
        assertTrue(r.err().lines().findFirst().orElse("").contains("--modality depth but the official DADA"), r.err());
        // and without --modality it is rgbd, which the rgbd DADA is
        r = run("infer", "--rgb", img[0].toString(), "--xyz", img[1].toString(), "--dada", rgbdDada.toString(),
                "--model", rgbdPrefix.toString(), "--out", tmp.resolve("o4").toString());
        assertEquals(0, r.status(), r.err());
    }
}
