import Foundation

/// Bins of a feature matrix, row-major: row `i` occupies `bins[i * featureCount ..< (i + 1) * featureCount]`.
public struct BinnedMatrix: Sendable {
    public let rowCount: Int
    public let featureCount: Int
    public let bins: [UInt8]
}
