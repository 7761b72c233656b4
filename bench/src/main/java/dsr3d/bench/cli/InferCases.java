package dsr3d.bench.cli;

import dsr3d.models.dada.DadaConfig;
import dsr3d.models.dada.DadaModel;
import dsr3d.models.dada.Modality;
import dsr3d.models.infer.DadaWeights;
import dsr3d.models.infer.TestTimePipeline;
import dsr3d.models.stage2.Stage2Model;
import dsr3d.tensor.Tensor;

import java.util.Random;

/**
 * {@code ./3dsr bench infer}: the whole 3DSR inference of one image (preprocessed input [1, C, S, S]
 * -> smoothed anomaly map, {@link TestTimePipeline}) with random weights of a preset. The flop
 * count is not modelled (NaN GFLOP/s in the table); read the median time.
 */
final class InferCases {
    private InferCases() {}

    static BenchCase of(String preset, Modality modality, int size) {
        String label = modality.cliName() + "@" + size;
        return new BenchCase("infer", label, preset, Double.NaN, () -> {
            DadaConfig dc = DadaConfig.preset(preset, modality, false);
            DadaModel dada = DadaModel.createForTraining(dc, new Random(1));
            Stage2Model model = Stage2Model.create(Stage2Model.Config.forDada(dc, size), DadaWeights.sha256(dada.stateDict()), new Random(2));
            TestTimePipeline p = new TestTimePipeline(dada, model, TestTimePipeline.officialSmoothing(model));
            Random r = new Random(3);
            float[] x = new float[modality.channels * size * size];
            for (int i = 0; i < x.length; i++) x[i] = r.nextFloat();
            Tensor input = Tensor.of(x, 1, modality.channels, size, size);
            return () -> p.run(input);
        });
    }
}
