package dsr3d.models.cli;

import dsr3d.simulate.io.JsonText;
import dsr3d.tensor.Config;
import dsr3d.tensor.backend.Backends;
import dsr3d.tensor.cpu.CpuBackend;
import dsr3d.tensor.cpu.simd.Parallel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code ./3dsr version}: what is running where (project, JVM, SIMD width, cores, backend). */
@Command(name = "version", mixinStandardHelpOptions = true,
        description = "Print the project version, Java version, SIMD vector width, processors, backend and every -Ddsr3d.* switch.")
final class VersionCommand implements Callable<Integer> {

    @Option(names = "--json", description = "Print one JSON object instead of text.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        Map<String, Object> facts = new LinkedHashMap<>();
        facts.put("version", BuildInfo.projectVersion());
        facts.put("java", Runtime.version().toString());
        facts.put("javaVendor", System.getProperty("java.vendor"));
        int bits = BuildInfo.vectorBits();
        facts.put("vectorBits", bits);
        facts.put("availableProcessors", Runtime.getRuntime().availableProcessors());
        facts.put("threads", Parallel.threads());
        facts.put("simd", CpuBackend.FAST);
        facts.put("backend", Backends.current().name());
        if (bits > 0) facts.put("gemmKernel", dsr3d.tensor.cpu.simd.Sgemm.kernelDescription());
        if (bits > 0) facts.put("convPanels", convPanels());
        Map<String, Object> switches = new LinkedHashMap<>();
        for (Config.Switch sw : Config.all()) {
            Map<String, Object> one = new LinkedHashMap<>();
            one.put("value", sw.value());
            one.put("default", sw.defaultValue());
            one.put("description", sw.description());
            switches.put(sw.name(), one);
        }
        facts.put("switches", switches);
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(JsonText.of(facts));
        } else {
            out.println("3dsr-java " + facts.get("version"));
            out.println("java        " + facts.get("java") + " (" + facts.get("javaVendor") + ")");
            out.println("vector bits " + (bits < 0 ? "unavailable (start the JVM with --add-modules jdk.incubator.vector)" : bits));
            out.println("processors  " + facts.get("availableProcessors") + " available, " + facts.get("threads") + " kernel threads");
            out.println("fast simd   " + facts.get("simd") + (CpuBackend.FAST ? "" : " (-Ddsr3d.simd=false)"));
            out.println("backend     " + facts.get("backend"));
            if (bits > 0) out.println("gemm kernel " + facts.get("gemmKernel"));
            if (bits > 0) out.println("conv panels " + facts.get("convPanels"));
            out.println("JVM switches (-Dname=value in DSR3D_JAVA_OPTS; * = not the default):");
            for (Config.Switch sw : Config.all())
                out.printf(java.util.Locale.ROOT, "  %-30s %-10s %s%s%n", "-D" + sw.name(), sw.value(),
                        sw.description(), sw.value().equals(sw.defaultValue()) || sw.defaultValue().equals("per ladder") ? "" : "  *");
        }
        out.flush();
        return 0;
    }

    /** How the forward convolutions read the image (ConvPlan.PACK_FROM_COUT, chosen per machine). */
    private static String convPanels() {
        int from = dsr3d.tensor.cpu.simd.ConvPlan.PACK_FROM_COUT;
        String why = Config.CONV_PACK_FROM_COUT.equalsIgnoreCase("auto") ? "auto: " + BuildInfo.vectorBits() + "-bit vectors" : "-Ddsr3d.conv.packFromCout";
        return (from == 0 ? "read in place (padded image), never packed" : "packed from " + from + " output channels per group, else read in place") + "; " + why;
    }
}
