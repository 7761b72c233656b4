package dsr3d.tests.report;

import dsr3d.models.cli.Main;
import dsr3d.models.dada.DadaConfig;
import dsr3d.models.dada.DadaModel;
import dsr3d.models.dada.Modality;
import dsr3d.models.infer.DadaWeights;
import dsr3d.models.stage2.Stage2Model;
import dsr3d.nn.io.Checkpoint;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * {@code ./3dsr explain} end to end on one synthetic 64 x 64 cookie image with a random small DADA
 * and a random stage-2 model: the pictures with and without --model, each a PNG and each in
 * index.html with its text; bad arguments give one line and status 2 (command line) or 1 (files).
 */
class ExplainCommandTest {
    @TempDir
    static Path tmp;
    static Path rgb, xyz, dadaFile, modelFile, otherModel;

    @BeforeAll
    static void setUp() throws Exception {
        Path data = tmp.resolve("data");
        assertEquals(0, Main.execute("synth", "--out", data.toString(), "--categories", "cookie", "--size", "64",
                "--train", "1", "--validation", "1", "--test", "2", "--seed", "2", "--threads", "1"));
        try (Stream<Path> s = Files.walk(data.resolve("cookie/test"))) {
            rgb = s.filter(p -> p.getParent().getFileName().toString().equals("rgb")).sorted().findFirst().orElseThrow();
        }
        xyz = rgb.getParent().resolveSibling("xyz").resolve(rgb.getFileName().toString().replace(".png", ".tiff"));
        DadaConfig dc = DadaConfig.small(Modality.RGBD, false);
        DadaModel dada = DadaModel.createForTraining(dc, new Random(1));
        dadaFile = tmp.resolve("dada.safetensors");
        new Checkpoint(dada.stateDict(), Map.of("config", dc.toJson())).save(dadaFile);
        modelFile = tmp.resolve("model.safetensors");
        Stage2Model.create(Stage2Model.Config.forDada(dc, 64), DadaWeights.sha256(dada.stateDict()), new Random(2)).save(modelFile);
        otherModel = tmp.resolve("other.safetensors");
        Stage2Model.create(Stage2Model.Config.forDada(dc, 64), "0".repeat(64), new Random(3)).save(otherModel);
    }

    record Run(int status, String out, String err) {}

    static Run run(String... args) {
        PrintStream oldOut = System.out, oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            return new Run(Main.execute(args), out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    static final List<String> DADA_PICTURES = List.of("01-input.png", "02-codes-lo.png", "03-codes-hi.png", "04-decoded.png",
            "05-usage-lo.png", "06-usage-hi.png", "07-perlin-mask.png", "08-replaced-codes.png");

    @Test
    void withModelWritesEveryStep() throws Exception {
        Path out = tmp.resolve("with-model");
        Run r = run("explain", "--dada", dadaFile.toString(), "--model", modelFile.toString(), "--rgb", rgb.toString(), "--xyz", xyz.toString(),
                "--out", out.toString(), "--threads", "1");
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains(out.resolve("index.html").toString()), "prints where: " + r.out());
        List<String> want = new java.util.ArrayList<>(DADA_PICTURES);
        want.addAll(List.of("09-decoders.png", "10-predicted-mask.png", "11-test-time.png"));
        checkPictures(out, want);
    }

    @Test
    void withoutModelOnlyTheDadaViews() throws Exception {
        Path out = tmp.resolve("dada-only");
        Run r = run("explain", "--dada", dadaFile.toString(), "--rgb", rgb.toString(), "--xyz", xyz.toString(), "--out", out.toString(), "--threads", "1");
        assertEquals(0, r.status(), r.err());
        List<String> want = new java.util.ArrayList<>(DADA_PICTURES);
        want.add("09-general-decoder.png");
        checkPictures(out, want);
        assertFalse(Files.exists(out.resolve("10-predicted-mask.png")));
    }

    private static void checkPictures(Path out, List<String> want) throws Exception {
        List<String> pngs;
        try (Stream<Path> s = Files.list(out)) { pngs = s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".png")).sorted().toList(); }
        assertEquals(want, pngs);
        String html = Files.readString(out.resolve("index.html"));
        List<byte[]> embedded = DemoReportTest.htmlImages(html);
        assertEquals(want.size(), embedded.size());
        for (int i = 0; i < want.size(); i++) {
            byte[] file = Files.readAllBytes(out.resolve(want.get(i)));
            assertArrayEquals(file, embedded.get(i), want.get(i) + " is embedded as written");
            assertNotNull(ImageIO.read(out.resolve(want.get(i)).toFile()), want.get(i));
        }
        assertEquals(want.size(), html.split("<figcaption>", -1).length - 1, "a text beside every picture");
        assertFalse(html.contains("<figcaption></figcaption>"));
        assertTrue(html.contains("perplexity"));
    }

    @Test
    void badArgumentsGiveOneLine() {
        Run missing = run("explain", "--dada", dadaFile.toString(), "--xyz", xyz.toString(), "--out", tmp.resolve("x").toString());
        assertEquals(2, missing.status());
        assertTrue(missing.err().contains("--rgb"), missing.err());

        Path nope = tmp.resolve("nope.png");
        Run noFile = run("explain", "--dada", dadaFile.toString(), "--rgb", nope.toString(), "--xyz", xyz.toString(), "--out", tmp.resolve("x").toString());
        assertEquals(1, noFile.status(), noFile.err());
        assertEquals(1, noFile.err().strip().lines().count(), noFile.err());
        assertTrue(noFile.err().contains(nope.toString()), noFile.err());

        Path noDada = tmp.resolve("nodada.safetensors");
        Run badDada = run("explain", "--dada", noDada.toString(), "--rgb", rgb.toString(), "--xyz", xyz.toString(), "--out", tmp.resolve("x").toString());
        assertEquals(1, badDada.status(), badDada.err());
        assertTrue(badDada.err().contains(noDada.toString()), badDada.err());

        Run wrongModel = run("explain", "--dada", dadaFile.toString(), "--model", otherModel.toString(), "--rgb", rgb.toString(), "--xyz", xyz.toString(),
                "--out", tmp.resolve("x").toString());
        assertEquals(2, wrongModel.status(), wrongModel.err());
        assertTrue(wrongModel.err().contains("0".repeat(64)), "names the model's DADA hash: " + wrongModel.err());
        assertFalse(Files.exists(tmp.resolve("x")), "nothing written on failure");
    }
}
