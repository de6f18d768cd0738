import Foundation
import Testing

/// The journey pages in a real browser: `tenure demo` on a free loopback port, driven by headless
/// Chromium through Selenium (scripts/e2e/journey_pages_browser.py): a journey created over the
/// API runs for some customers; the list links to its page, whose flow counts are the API report's,
/// whose chart has its bars, and whose pause button pauses it. Screenshots go to test-output/journeys/.
@Suite struct JourneyPagesBrowserTests {
    @Test(.timeLimit(.minutes(3))) func followAJourneyMatchItsCountsToTheReportAndPauseIt() async throws {
        try DashboardBrowserTests.runBrowserScript(
            "journey_pages_browser.py", output: "journeys", screenshots: ["journeys", "journey", "journey-phone", "journey-paused"])
    }
}
