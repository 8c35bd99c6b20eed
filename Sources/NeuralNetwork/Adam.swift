internal import CVectorKernels
import Foundation

/// Adam (Kingma & Ba 2015) over one flat parameter buffer, computed as PyTorch's `torch.optim.Adam`
/// does by default (no weight decay, no AMSGrad):
///
///     m ← β₁ m + (1 − β₁) g,   v ← β₂ v + (1 − β₂) g²
///     p ← p − (lr / (1 − β₁ᵗ)) · m / (√v / √(1 − β₂ᵗ) + ε)
///
/// The moments and the step count are part of the optimiser's state, saved in checkpoints.
///
/// A step consumes the gradients: it clears them as it reads them, so the next backward pass can
/// accumulate into a zeroed buffer without a separate clearing pass (PyTorch's `zero_grad`, fused).
///
/// The pass runs as an AVX2 kernel where the CPU has AVX2 and FMA (`VectorKernels`), as a portable
/// Swift loop elsewhere; both compute the same operations in the same order, so the same bits.
public final class Adam {
    public var learningRate: Float
    public let beta1: Float
    public let beta2: Float
    public let epsilon: Float
    /// Number of steps taken (t in the formula above).
    public var stepCount: Int
    public let firstMoment: FloatBuffer
    public let secondMoment: FloatBuffer
    /// Whether every parameter the last step wrote, and every value of the Polyak target it averaged
    /// into, is finite (true before the first step). A NaN or infinite gradient, or a step that
    /// overflows, makes it false: the run is diverging. Checked inside the step's own pass, at the cost
    /// of a vector subtraction and OR per eight parameters (SAC 256-256, one critic's fused step with
    /// Polyak: 22.7 → 24.8 µs, under 0.1% of an update).
    public private(set) var lastStepWasFinite = true

    /// PyTorch's defaults: β₁ 0.9, β₂ 0.999, ε 1e-8.
    public init(parameterCount: Int, learningRate: Float, beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8) {
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        stepCount = 0
        firstMoment = FloatBuffer(count: parameterCount)
        secondMoment = FloatBuffer(count: parameterCount)
    }

    /// One step on `parameters` with `gradients` (same size as the optimiser); clears `gradients`.
    public func step(parameters: FloatBuffer, gradients: FloatBuffer) {
        precondition(parameters.count == firstMoment.count && gradients.count == firstMoment.count,
                     "Adam was built for \(firstMoment.count) parameters")
        step(parameters.base, gradients: gradients.base, count: parameters.count)
    }

    /// One step on the network's parameters with the gradients of its last backward pass.
    public func step(_ network: MLP) {
        step(parameters: network.parameters, gradients: network.gradients)
    }

    /// One step on the network's parameters, then the Polyak update of `target` toward the new
    /// parameters (`Polyak.update(target:toward:tau:)`), fused into the same pass over the parameters:
    /// the result is exactly that of `step(network)` followed by the Polyak update.
    public func step(_ network: MLP, averagingInto target: MLP, tau: Float) {
        precondition(network.parameterCount == firstMoment.count && target.parameterCount == firstMoment.count,
                     "Adam was built for \(firstMoment.count) parameters")
        step(network.parameters.base, gradients: network.gradients.base, count: network.parameterCount,
             averagingInto: target.parameters.base, tau: tau)
    }

    @inline(__always)
    func step(_ p: UnsafeMutablePointer<Float>, gradients g: UnsafeMutablePointer<Float>, count: Int,
              averagingInto target: UnsafeMutablePointer<Float>? = nil, tau: Float = 0) {
        stepCount += 1
        let t = Double(stepCount)
        let correction1 = 1 - pow(Double(beta1), t)
        let correction2 = 1 - pow(Double(beta2), t)
        let stepSize = Float(Double(learningRate) / correction1)
        let inverseRootCorrection2 = Float(1 / correction2.squareRoot())
        let b1 = beta1, b2 = beta2, oneMinusB1 = 1 - beta1, oneMinusB2 = 1 - beta2, eps = epsilon
        let m = firstMoment.base, v = secondMoment.base
        // Polyak averaging, as `Polyak.update` computes it.
        let keep = 1 - tau
        if VectorKernels.useAVX2AndFMA {
            var coefficients = cvk_adam_coefficients(
                beta1: b1, beta2: b2, oneMinusBeta1: oneMinusB1, oneMinusBeta2: oneMinusB2, stepSize: stepSize,
                inverseRootCorrection2: inverseRootCorrection2, epsilon: eps, keep: keep, tau: tau)
            lastStepWasFinite = cvk_adam_step_avx2(p, g, m, v, count, &coefficients, target) != 0
            return
        }
        // One fused pass over the parameters, eight lanes at a time.
        let whole = vectorizedCount(count)
        let vb1 = Vector(repeating: b1), vb2 = Vector(repeating: b2), v1b1 = Vector(repeating: oneMinusB1)
        let v1b2 = Vector(repeating: oneMinusB2), vstep = Vector(repeating: stepSize)
        let vcorrection = Vector(repeating: inverseRootCorrection2), veps = Vector(repeating: eps)
        let zero = Vector(repeating: 0)
        let vkeep = Vector(repeating: keep), vtau = Vector(repeating: tau)
        // x − x is +0 (no bit set) for finite x and NaN for ±∞ and NaN: OR-ed together over everything
        // written, the bits stay clear exactly when all of it is finite. With a target only its new
        // values are checked: t · keep + τ · p is not finite when p is not (τ · p is ±∞ or NaN, even
        // for τ = 0), so they cover the parameters too.
        var check = SIMD8<UInt32>(repeating: 0)
        var i = 0
        while i < whole {
            let gi = g.vector(at: i)
            g.setVector(zero, at: i)
            let mi = vb1 * m.vector(at: i) + v1b1 * gi
            let vi = vb2 * v.vector(at: i) + v1b2 * gi * gi
            m.setVector(mi, at: i)
            v.setVector(vi, at: i)
            // v ≥ 0, so √|v| = √v; written so, the square root is one vector instruction.
            let pi = p.vector(at: i) - vstep * mi / (vi.squareRootOfMagnitude() * vcorrection + veps)
            p.setVector(pi, at: i)
            if let target {
                let ti = target.vector(at: i) * vkeep + vtau * pi
                target.setVector(ti, at: i)
                check |= unsafeBitCast(ti - ti, to: SIMD8<UInt32>.self)
            } else {
                check |= unsafeBitCast(pi - pi, to: SIMD8<UInt32>.self)
            }
            i += Vector.scalarCount
        }
        var tailCheck: Float = 0
        while i < count {
            let gi = g[i]
            g[i] = 0
            let mi = b1 * m[i] + oneMinusB1 * gi
            let vi = b2 * v[i] + oneMinusB2 * gi * gi
            m[i] = mi
            v[i] = vi
            p[i] -= stepSize * mi / (vi.squareRoot() * inverseRootCorrection2 + eps)
            if let target {
                target[i] = target[i] * keep + tau * p[i]
                tailCheck += target[i] - target[i]
            } else {
                tailCheck += p[i] - p[i]
            }
            i += 1
        }
        lastStepWasFinite = check == SIMD8(repeating: 0) && tailCheck == 0
    }
}
