import Foundation
import TenureCore
import Synchronization

/// Draws a progress line on standard error when it is a terminal, at most five times a second.
final class ProgressPrinter: Sendable {
    private let total: Int
    private let noun: String
    private let started = Date()
    private let lastDraw = Mutex<Date>(.distantPast)
    private let terminal = isatty(STDERR_FILENO) != 0

    init(total: Int, noun: String) {
        self.total = total
        self.noun = noun
    }

    func tick(_ done: Int) {
        guard terminal else { return }
        let now = Date()
        let due = lastDraw.withLock { last -> Bool in
            guard now.timeIntervalSince(last) > 0.2 else { return false }
            last = now
            return true
        }
        guard due else { return }
        draw(done)
    }

    func draw(_ done: Int) {
        let elapsed = max(Date().timeIntervalSince(started), 0.001)
        let line = ProgressLine.render(
            fraction: Double(done) / Double(max(total, 1)), count: done, noun: noun, perSecond: Double(done) / elapsed)
        FileHandle.standardError.write(Data(("\r" + line).utf8))
    }

    func finish() {
        guard terminal else { return }
        draw(total)
        FileHandle.standardError.write(Data("\n".utf8))
    }
}
