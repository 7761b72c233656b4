package dsr3d.models.dada;

import dsr3d.tensor.Tensor;

import java.util.LinkedHashMap;

/**
 * The stage-1 loss (spec 2.8, 9.1), as named terms for the log; "loss" is minimised.
 * <ul>
 *   <li>{@link Kind#OFFICIAL}: what the training scripts compute. RGB+D (train_dada.py) and RGB:
 *       mean |x - recon| over all channels together (depth weighs 1/4) + commitment lo + hi.
 *       Depth-only (train_dada_depth.py): mean (x - recon)^2 + commitment lo + hi.</li>
 *   <li>{@link Kind#WEIGHTED}: the paper's form, lambda_D L2(D) + lambda_I L2(I) + lambda_K (mse_lo + mse_hi),
 *       where mse_* = mean (z - sg[q])^2 is the commitment loss without its 0.25 (so lambda_K = 0.25
 *       reproduces the VQ's own commitment weight). Table 5 "VQ-VAE with re-weighted depth loss".</li>
 * </ul>
 * Always logged: recon_depth / recon_rgb = mean |x - recon| of each modality (as the official script prints).
 */
public record DadaLoss(Kind kind, double lambdaDepth, double lambdaRgb, double lambdaCommit) {
    public enum Kind { OFFICIAL, WEIGHTED }

    public static DadaLoss official() { return new DadaLoss(Kind.OFFICIAL, 1, 1, 0.25); }

    public LinkedHashMap<String, Tensor> terms(Modality m, Tensor x, DadaModel.Output out, double commitmentCost) {
        LinkedHashMap<String, Tensor> t = new LinkedHashMap<>();
        Tensor recon = out.recon();
        Tensor depthIn = m.hasDepth() ? x.slice(1, 0, 1) : null, depthOut = m.hasDepth() ? recon.slice(1, 0, 1) : null;
        int rgbFrom = m == Modality.RGB ? 0 : 1;
        Tensor rgbIn = m.hasRgb() ? x.slice(1, rgbFrom, rgbFrom + 3) : null, rgbOut = m.hasRgb() ? recon.slice(1, rgbFrom, rgbFrom + 3) : null;
        Tensor loss;
        if (kind == Kind.OFFICIAL) {
            Tensor rec = m == Modality.DEPTH ? x.sub(recon).pow(2).mean() : x.sub(recon).abs().mean();
            t.put("recon", rec);
            loss = rec.add(out.lossT()).add(out.lossB());
        } else {
            Tensor rec = null;
            if (depthIn != null) rec = depthIn.sub(depthOut).pow(2).mean().mul(lambdaDepth);
            if (rgbIn != null) {
                Tensor r = rgbIn.sub(rgbOut).pow(2).mean().mul(lambdaRgb);
                rec = rec == null ? r : rec.add(r);
            }
            t.put("recon", rec);
            double k = commitmentCost > 0 ? lambdaCommit / commitmentCost : 0;
            loss = rec.add(out.lossT().add(out.lossB()).mul(k));
        }
        t.put("commit_lo", out.lossT());
        t.put("commit_hi", out.lossB());
        if (depthIn != null) t.put("recon_depth", depthIn.sub(depthOut).abs().mean().detach());
        if (rgbIn != null) t.put("recon_rgb", rgbIn.sub(rgbOut).abs().mean().detach());
        LinkedHashMap<String, Tensor> ordered = new LinkedHashMap<>();
        ordered.put("loss", loss);
        ordered.putAll(t);
        return ordered;
    }
}
