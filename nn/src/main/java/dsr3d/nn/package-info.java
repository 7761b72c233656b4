/** Neural-network library (issue "Neural-network library and checkpoints"): Module, layers,
 *  VectorQuantizerEMA, losses, Adam, safetensors and PyTorch state-dict readers. Not yet filled. */
package dsr3d.nn;
