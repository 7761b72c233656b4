package dsr3d.models.stage2;

import dsr3d.nn.init.Init;

import java.util.Random;

/**
 * The widths of the four stage-2 networks. {@link #paper(int)} is the official configuration
 * (train_dsr.py): embedding D = 256, SR base width 128, decoder (2D, 256 hidden, 2 residual layers
 * of 128, bottleneck 64), U-Net base width 32. A smaller preset scales these with the DADA.
 *
 * @param embeddingDim       D, the DADA codebook dimension (SR in/out channels)
 * @param srBaseWidth        SR encoder/decoder base width (official D / 2)
 * @param numHiddens         object decoder hidden width (official 256)
 * @param numResidualLayers  object decoder residual blocks (official 2)
 * @param numResidualHiddens object decoder residual hidden width (official 128)
 * @param bottleneck         object decoder pre_vq_conv / up-block width (official 64)
 * @param segBaseWidth       U-Net base width (official 32)
 * @param imageChannels      C: 4 for RGB+D, 1 for depth only, 3 for RGB; decoder out C, U-Net in 2C
 */
public record Stage2Sizes(int embeddingDim, int srBaseWidth, int numHiddens, int numResidualLayers,
                          int numResidualHiddens, int bottleneck, int segBaseWidth, int imageChannels) {
    public Stage2Sizes {
        Blocks.positive("Stage2Sizes", embeddingDim, srBaseWidth, numHiddens, numResidualLayers, numResidualHiddens,
                bottleneck, segBaseWidth, imageChannels);
    }

    /** The official sizes for C image channels (4: RGB+D, 1: depth only). */
    public static Stage2Sizes paper(int imageChannels) {
        return new Stage2Sizes(256, 128, 256, 2, 128, ImageReconstructionNetwork.OFFICIAL_BOTTLENECK, 32, imageChannels);
    }

    /** New networks initialised as train_dsr.py does: the SR nets keep PyTorch's default
     *  initialisation, the object decoder and the U-Net get weights_init (conv weights N(0, 0.02^2)). */
    public Stage2Step.Nets create(Random rng) {
        SubspaceRestrictionModule lo = new SubspaceRestrictionModule(embeddingDim, srBaseWidth, rng);
        SubspaceRestrictionModule hi = new SubspaceRestrictionModule(embeddingDim, srBaseWidth, rng);
        AnomalyDetectionModule seg = new AnomalyDetectionModule(2 * imageChannels, segBaseWidth, rng);
        Init.dsrConvInit(seg, rng);
        ImageReconstructionNetwork decode = new ImageReconstructionNetwork(2 * embeddingDim, numHiddens, numResidualLayers,
                numResidualHiddens, imageChannels, bottleneck, rng);
        Init.dsrConvInit(decode, rng);
        return new Stage2Step.Nets(lo, hi, decode, seg);
    }
}
