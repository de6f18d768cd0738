/// An event decided but not yet rendered: small and trivially copyable, so sorting a customer's
/// events by time costs little.
struct PlannedEvent {
    enum Identity: UInt8 {
        /// Sent under `userId`.
        case user
        /// Browsing before signup: `anonymousId` only.
        case anonymous
        /// The identify that merges the anonymous visitor into the customer: both ids.
        case both
    }

    /// `detail` of the checkout page or screen.
    static let checkout: Int32 = -1

    var t: Double
    var code: EventCode
    var identity: Identity
    /// For page: index into the pages, or pages.count + product for a product page, or `checkout`;
    /// for screen: index into the screens or `checkout`; otherwise: index into the payloads.
    var detail: Int32
}
