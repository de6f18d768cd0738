/// The event names and property keys Tenure understands, after Segment's semantic specs
/// (e-commerce v2, mobile lifecycle, B2B SaaS). Any other event is stored and counted as it is.
public enum StandardEvent {
    /// A purchase. Properties: `order_id`, `total`, `revenue`, `subtotal`, `shipping`, `tax`,
    /// `discount`, `coupon`, `currency`, `products[]` of `{product_id, sku, name, category, price, quantity}`.
    public static let orderCompleted = "Order Completed"
    /// A refund of an earlier order: `order_id`, `total`.
    public static let orderRefunded = "Order Refunded"
    /// Properties: `subscription_id`, `plan`, `amount` (per billing interval), `currency`,
    /// `interval` (`month` or `year`).
    public static let subscriptionStarted = "Subscription Started"
    /// Properties: `subscription_id`, `amount`, `currency`, `plan`.
    public static let subscriptionRenewed = "Subscription Renewed"
    /// The customer asked to cancel. Properties: `subscription_id`, `reason`.
    public static let subscriptionCancelled = "Subscription Cancelled"
    /// An app session start (Segment mobile spec).
    public static let applicationOpened = "Application Opened"
    /// A survey answer. Properties: `survey` (`nps`, `csat`, `exit`), `score`, `reason`, `comment`.
    public static let surveyResponded = "Survey Responded"
    /// Properties: `complaint_id`, `topic`, `channel`.
    public static let complaintOpened = "Complaint Opened"
    /// Properties: `complaint_id`.
    public static let complaintResolved = "Complaint Resolved"
    /// The customer closed their account (Segment B2B SaaS spec: `Account Deleted`). Properties:
    /// `reason` (exit feedback, see ``ExitFeedback``).
    public static let accountClosed = "Account Closed"
    public static let accountDeleted = "Account Deleted"
    /// A customer's email or other channel opt-out. Properties: `channel`.
    public static let unsubscribed = "Unsubscribed"

    /// Recorded by Tenure when a customer joins a saved segment. Properties: `segment` (its
    /// name), `segment_id`.
    public static let segmentEntered = "Segment Entered"
    /// Recorded by Tenure when a customer leaves a saved segment. Properties as ``segmentEntered``.
    public static let segmentExited = "Segment Exited"
    /// Events Tenure records about a customer rather than the customer doing something: they are
    /// in the event log and on the timeline, but they are not activity (they do not move last-seen
    /// times or enter the analytics snapshot), so recording them cannot change a metric.
    public static let systemEvents: Set<String> = [segmentEntered, segmentExited]
}
