import Foundation
import HTTPTypes
import TenureCore

extension DashboardController {
    /// A dashboard page rendered without HTTP: its status code and HTML.
    public struct RenderedPage: Sendable {
        /// The HTTP status the page would be answered with (200, or 404 for an unknown page or customer).
        public var statusCode: Int
        public var html: String
    }

    /// What preparing the at-risk model took (``prepareModels()``).
    public struct ModelPreparation: Sendable {
        /// Seconds (wall clock) to train the at-risk model, on at most `ChurnTrainingSample.standard` customers…
        public var trainSeconds: Double
        /// …and to score, value and rank every customer, explaining the top `RiskScores.keep`.
        public var rankSeconds: Double
        /// Customers scored, and customers the model was trained on (0 when there was too little data).
        public var scoredCustomers: Int
        public var trainCustomers: Int
    }

    /// Renders `target` (a dashboard path and its query, such as `/retention?unit=week`) as a
    /// user signed in as `subject` sees it: the whole server-side work of that page request (the
    /// page's data from the per-snapshot cache, the store's look-ups, the page model and its
    /// template), without HTTP and without the session and CSRF checks. A page whose data is
    /// still being computed renders its "this page reloads itself" state, as over HTTP.
    public func renderPage(_ target: String, signedInAs subject: String) async throws -> RenderedPage {
        let parts = target.split(separator: "?", maxSplits: 1)
        let session = DashboardSession(subject: subject, csrfToken: DashboardSessions.randomToken(), expiresAt: Date() + 3600)
        let page = try await render(path: String(parts.first ?? "/"), query: FormBody(parts.count > 1 ? String(parts[1]) : ""), session: session)
        return RenderedPage(statusCode: page.status.code, html: page.html)
    }

    /// Trains and ranks the at-risk model and runs the churn backtest on the current snapshot now,
    /// waiting for both: the work the first visits to `/at-risk` and `/churn` start in the
    /// background. Afterwards those pages, and the overview's at-risk tiles, render with the model
    /// until the snapshot changes.
    public func prepareModels() async throws -> ModelPreparation {
        let snapshot = try await source.current()
        var preparation = ModelPreparation(trainSeconds: 0, rankSeconds: 0, scoredCustomers: 0, trainCustomers: 0)
        if let data = try await atRiskData(snapshot, wait: true) {
            preparation.trainSeconds = data.trainSeconds
            preparation.rankSeconds = data.rankSeconds
            preparation.scoredCustomers = data.ranking?.scoredCount ?? 0
            preparation.trainCustomers = data.model?.trainCount ?? 0
        }
        _ = try await cache.value("backtest", version: snapshot.version, wait: true) { await ChurnPage.backtest(snapshot) }
        return preparation
    }
}
