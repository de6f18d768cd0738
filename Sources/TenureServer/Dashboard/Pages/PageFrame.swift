/// The parts of every page around its content: title, navigation, the signed-in user's CSRF
/// token for the sign-out form, and the search box.
struct PageFrame: Sendable {
    struct NavItem: Sendable {
        var name: String
        var href: String
        var current: Bool
    }

    var title: String
    var subtitle: String?
    var signedIn: Bool
    var nav: [NavItem]
    var csrf: String
    var query: String
    /// Seconds after which the browser reloads the page (while a model is still being trained).
    var refresh: String?
    var dataNote: String

    static let pages: [(name: String, href: String)] = [
        ("Overview", "/"), ("Retention", "/retention"), ("Churn", "/churn"), ("At risk", "/at-risk"), ("Segments", "/segments"),
        ("Journeys", "/journeys"), ("Customers", "/customers"),
    ]

    init(title: String, subtitle: String? = nil, current: String?, session: DashboardSession?, query: String = "", dataNote: String = "") {
        self.title = title
        self.subtitle = subtitle
        signedIn = session != nil
        nav = Self.pages.map { NavItem(name: $0.name, href: $0.href, current: $0.href == current) }
        csrf = session?.csrfToken ?? ""
        self.query = query
        self.dataNote = dataNote
    }
}

/// What a template renders: the frame and the page's own model.
struct PageContext<Page: Sendable>: Sendable {
    var frame: PageFrame
    var page: Page
}

/// An option of a `<select>`.
struct SelectOption: Sendable {
    var value: String
    var text: String
    var selected: Bool
}

/// A `<select>` of a page's controls form.
struct SelectControl: Sendable {
    var label: String
    var name: String
    var options: [SelectOption]

    init(label: String, name: String, choices: [(String, String)], selected: String) {
        self.label = label
        self.name = name
        options = choices.map { SelectOption(value: $0.0, text: $0.1, selected: $0.0 == selected) }
    }
}
