/// A one-line progress bar for long work (import, training, scoring), e.g.
/// `[=========>          ]  47.5%  4,750,000 records  512,340/s`.
public enum ProgressLine {
    public static func render(fraction: Double, count: Int, noun: String, perSecond: Double, width: Int = 30) -> String {
        let f = min(max(fraction.isFinite ? fraction : 0, 0), 1)
        let filled = Int((f * Double(width)).rounded(.down))
        let bar = String(repeating: "=", count: filled) + (filled < width ? ">" : "") + String(repeating: " ", count: max(0, width - filled - 1))
        let percent = (f * 1000).rounded() / 10
        return "[\(bar)] \(String(percent).leftPadded(to: 5))%  \(grouped(count)) \(noun)  \(grouped(Int(perSecond)))/s"
    }

    /// `1234567` → `1,234,567`.
    public static func grouped(_ n: Int) -> String {
        let digits = String(abs(n))
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return n < 0 ? "-" + out : out
    }
}

extension String {
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}
