import Foundation

/// Composite Gauss–Legendre quadrature (16 or 8 nodes per panel).
enum GaussLegendre {
    /// Nodes and weights on [−1, 1], by Newton's method on Pₙ.
    static let rule: (nodes: [Double], weights: [Double]) = legendre(16)
    static let rule8: (nodes: [Double], weights: [Double]) = legendre(8)

    static func legendre(_ n: Int) -> (nodes: [Double], weights: [Double]) {
        var nodes = [Double](repeating: 0, count: n), weights = nodes
        for i in 0..<n {
            var x = cos(Double.pi * (Double(i) + 0.75) / (Double(n) + 0.5))
            var derivative = 0.0
            for _ in 0..<100 {
                var p0 = 1.0, p1 = x
                for k in 2...n {
                    let p2 = ((2 * Double(k) - 1) * x * p1 - (Double(k) - 1) * p0) / Double(k)
                    p0 = p1
                    p1 = p2
                }
                derivative = Double(n) * (x * p1 - p0) / (x * x - 1)
                let step = p1 / derivative
                x -= step
                if abs(step) < 1e-16 { break }
            }
            nodes[i] = x
            weights[i] = 2 / ((1 - x * x) * derivative * derivative)
        }
        return (nodes, weights)
    }

    static func integrate(from a: Double, to b: Double, panels: Int, _ f: (Double) -> Double) -> Double {
        let width = (b - a) / Double(panels)
        let (nodes, weights) = rule
        var total = 0.0
        for p in 0..<panels {
            let mid = a + (Double(p) + 0.5) * width, half = 0.5 * width
            var sum = 0.0
            for k in 0..<nodes.count { sum += weights[k] * f(mid + half * nodes[k]) }
            total += sum * half
        }
        return total
    }
}
