/**
 * DSR (Zavrtanik, Kristan, Skocaj, ECCV 2022), the RGB method 3DSR grew from (spec §8), on the
 * 3DSR blocks: its VQ-VAE is {@link dsr3d.models.dada.DiscreteLatentModel} with
 * {@link dsr3d.models.dada.DadaConfig#dsr()} (4096 x 128 codebooks, no groups, the in-place-ReLU
 * quirk); the restriction nets, object decoder and anomaly U-Net are the stage-2 classes at DSR's
 * widths ({@link dsr3d.models.dsr.DsrModel.Config}); {@link dsr3d.models.dsr.UpsamplingModule} is
 * new. Official module names and state-dict keys of VitjanZ/DSR_anomaly_detection throughout.
 */
package dsr3d.models.dsr;
