/** Data generation (issue "Data, simulation and evaluation"): seeded random streams, Perlin
 *  noise, simulated stage-1 depth, stage-2 anomaly masks, image sources, TIFF/PNG I/O and the
 *  synthetic RGB-D benchmark ({@link dsr3d.simulate.synth.SynthDataset}). See simulate/README.md. */
package dsr3d.simulate;
