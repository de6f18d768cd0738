import Foundation
import Testing

/// The segment editor in a real browser: `tenure demo` on a free loopback port, driven by headless
/// Chromium through Selenium (scripts/e2e/segment_editor_browser.py): type an expression with an
/// error, see the message at its line and column, fix it, see the count the admin API gives, save,
/// find it in the list, export its members. Screenshots go to test-output/segments/.
@Suite struct SegmentEditorBrowserTests {
    @Test(.timeLimit(.minutes(3))) func typeAnErrorFixItSeeTheCountSaveAndExport() async throws {
        try DashboardBrowserTests.runBrowserScript(
            "segment_editor_browser.py", output: "segments", screenshots: ["editor-error", "editor-count", "segments-list"])
    }
}
