/// Who is held out of a journey (its control group) and who is held out of every campaign (the
/// global control group): a stable hash of the customer and the journey's name, so assignment
/// survives restarts, new versions and other builds (Swift's `Hasher` is seeded per process and
/// would not), and is independent between journeys.
public enum JourneyHoldout {
    /// A number in [0, 1) fixed by the two keys: FNV-1a over the UTF-8 bytes, then the
    /// SplitMix64 finalizer so that neighbouring ids spread over the whole range.
    public static func uniform(_ a: String, _ b: String) -> Double {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in a.utf8 { h = (h ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
        h = (h ^ 0x1f) &* 0x0000_0100_0000_01b3  // a separator no UTF-8 text holds alone
        for byte in b.utf8 { h = (h ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
        h ^= h >> 30
        h = h &* 0xbf58_476d_1ce4_e5b9
        h ^= h >> 27
        h = h &* 0x94d0_49bb_1331_11eb
        h ^= h >> 31
        return Double(h >> 11) / Double(UInt64(1) << 53)
    }

    /// Whether the customer (their user id) is in the journey's control group of `share`.
    public static func isHeldOut(customer: String, journey: String, share: Double) -> Bool {
        uniform("journey:" + journey, customer) < share
    }

    /// Whether the customer is in the global control group of `share`, who receive no campaign.
    public static func isInGlobalControl(customer: String, share: Double) -> Bool {
        share > 0 && uniform("tenure:global-control", customer) < share
    }
}
