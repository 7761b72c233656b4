/**
 * Dataset readers and the published preprocessing pipelines.
 *
 * <ul>
 *   <li>{@link dsr3d.models.data.Mvtec3dDataset}, {@link dsr3d.models.data.EyecandiesDataset}: scan a
 *       dataset tree into lazily loaded {@link dsr3d.models.data.Sample}s, report every problem with
 *       its file ({@link dsr3d.models.data.DataProblem}, {@link dsr3d.models.data.DataException}).</li>
 *   <li>{@link dsr3d.models.data.Preprocess3dsr}: the exact 3DSR preprocessing, output [D, R, G, B];
 *       {@link dsr3d.models.data.CvResize} reproduces the cv2.resize calls it relies on.</li>
 *   <li>{@link dsr3d.models.data.PreprocessBtf}: the BTF/M3DM alternative ({@link dsr3d.models.data.PlaneFit},
 *       {@link dsr3d.models.data.Dbscan}, {@link dsr3d.models.data.PilResize}).</li>
 *   <li>{@link dsr3d.models.data.SampleCache}: optional on-disk cache of preprocessed samples.</li>
 * </ul>
 */
package dsr3d.models.data;
