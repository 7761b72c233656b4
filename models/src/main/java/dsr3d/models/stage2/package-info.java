/**
 * 3DSR stage 2 (spec §4, §6), with the official names of dsr_model.py and train_dsr.py.
 *
 * <ul>
 *   <li>Networks: {@link dsr3d.models.stage2.SubspaceRestrictionModule} (SR lo / hi, re-quantized
 *       with the frozen DADA codebook), {@link dsr3d.models.stage2.ImageReconstructionNetwork} (the
 *       object-specific decoder), {@link dsr3d.models.stage2.AnomalyDetectionModule} (the U-Net);
 *       sizes in {@link dsr3d.models.stage2.Stage2Sizes}.</li>
 *   <li>Feature-space anomalies: {@link dsr3d.models.stage2.LatentAnomalies} (one call of
 *       generate_fake_anomalies_joined, random draws as a value), {@link dsr3d.models.stage2.AnomalyModes}
 *       (use_both / use_lo / use_hi and the blocky ground truth), {@link dsr3d.models.stage2.FeatureAnomalies}
 *       (the whole no-grad block over a frozen DADA).</li>
 *   <li>Training: {@link dsr3d.models.stage2.Stage2Data} (samples), {@link dsr3d.models.stage2.Stage2Step}
 *       (forward), {@link dsr3d.models.stage2.Stage2Loss} (terms by name).</li>
 *   <li>Test time: {@link dsr3d.models.stage2.AnomalyScoring} (softmax channel 1, box or Gaussian
 *       smoothing, max score).</li>
 * </ul>
 */
package dsr3d.models.stage2;
