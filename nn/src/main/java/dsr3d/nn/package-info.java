/** Neural-network library: {@link dsr3d.nn.Module} (named parameters, buffers and children with
 *  PyTorch's dotted names and state-dict order), layers ({@code dsr3d.nn.layers}), initialisers
 *  ({@code dsr3d.nn.init}), the EMA vector quantiser ({@code dsr3d.nn.vq}), losses
 *  ({@code dsr3d.nn.loss}) and the optimiser and schedule ({@code dsr3d.nn.optim}). */
package dsr3d.nn;
