/// Per-layer row buffers for forward and backward passes, which several networks may share.
///
/// Networks whose passes never overlap can share one workspace, so a learner touches less memory per
/// update and the buffers it does touch stay in cache (an update's parameters, optimiser moments and
/// activations together exceed a core's L2 cache). Buffer `index` grows to the largest size asked
/// of it and is never shrunk, so after the first pass of each shape nothing is allocated.
public final class Workspace {
    private var buffers: [FloatBuffer] = []

    public init() {}

    /// Makes buffer `index` hold at least `count` floats. Growing it discards its contents.
    func reserve(_ index: Int, count: Int) {
        while buffers.count <= index { buffers.append(FloatBuffer(count: 0)) }
        if buffers[index].count < count { buffers[index] = FloatBuffer(count: count) }
    }

    /// The start of buffer `index` (which `reserve` must have sized).
    @inline(__always)
    func pointer(_ index: Int) -> UnsafeMutablePointer<Float> {
        buffers[index].base
    }
}
