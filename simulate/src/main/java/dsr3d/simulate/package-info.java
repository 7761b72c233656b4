/** Data generation (issue "Data, simulation and evaluation"): Perlin noise, simulated depth,
 *  anomaly masks and the synthetic RGB-D benchmark. Not yet filled. */
package dsr3d.simulate;
