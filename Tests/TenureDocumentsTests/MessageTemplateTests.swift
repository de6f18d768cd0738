import Foundation
import TenureCore
import TenureDocuments
import Testing

@Suite("Message templates")
struct MessageTemplateTests {
    let fields = TemplateFields(traits: ["first_name", "locale", "plan"])

    static let layout = """
        name: layout
        partial: true
        html: |
          <html><body>{{$body}}{{/body}}
          <p><a href="{{unsubscribe_url}}">Unsubscribe</a> · <a href="{{preferences_url}}">Preferences</a></p></body></html>
        text: |
          {{$body}}{{/body}}
          Unsubscribe: {{unsubscribe_url}}
        """

    static let winBack = """
        name: win-back-offer
        default_locale: en
        locales:
          en:
            subject: "{{customer.first_name}}, {{promo_code.offer}}"
            text: |
              {{<layout}}{{$body}}Hi {{customer.first_name}}, use {{promo_code.code}} by {{promo_code.expires_at}}.
              {{#recommendations}}- {{name}} ({{price}})
              {{/recommendations}}{{/body}}{{/layout}}
            html: |
              {{<layout}}{{$body}}<p>Hi {{customer.first_name}}</p><p>Code: <b>{{promo_code.code}}</b></p>
              <ul>{{#recommendations}}<li><a href="{{url}}">{{name}}</a></li>{{/recommendations}}</ul>{{/body}}{{/layout}}
            push: "{{customer.first_name}}: {{promo_code.offer}}"
          de:
            subject: "{{customer.first_name}}, 20 % Rabatt"
            text: "Hallo {{customer.first_name}}, dein Code: {{promo_code.code}}"
        """

    func library(_ docs: String...) throws -> TemplateLibrary {
        try TemplateLibrary(try docs.map { try MessageTemplate(json: try YAMLDocument.parse($0)) }, fields: fields)
    }

    func data(firstName: String, locale: String? = nil) -> JSONValue {
        var customer: [String: JSONValue] = ["user_id": "u1", "first_name": .string(firstName)]
        if let locale { customer["locale"] = .string(locale) }
        return .object([
            "customer": .object(customer),
            "promo_code": ["code": "WB-7KQ2MX9P", "expires_at": "2027-01-03", "offer": "20% off your next order"],
            "recommendations": [["name": "Matcha & Whisk", "url": "https://shop.example/m?a=1&b=2", "price": 22]],
            "unsubscribe_url": "https://t.example/u/abc", "preferences_url": "https://t.example/p/abc",
        ])
    }

    @Test("a template renders the customer's data, inside a shared layout")
    func render() throws {
        let lib = try library(Self.layout, Self.winBack)
        let r = try lib.render("win-back-offer", data: data(firstName: "Ana"))
        #expect(r.locale == "en")
        #expect(r.subject == "Ana, 20% off your next order")
        #expect(r.push == "Ana: 20% off your next order")
        #expect(r.text?.contains("Hi Ana, use WB-7KQ2MX9P by 2027-01-03.") == true)
        #expect(r.text?.contains("- Matcha & Whisk (22)") == true)
        #expect(r.text?.contains("Unsubscribe: https://t.example/u/abc") == true)
        #expect(r.html?.hasPrefix("<html><body><p>Hi Ana</p>") == true)
        #expect(r.html?.contains(#"<a href="https://shop.example/m?a=1&amp;b=2">Matcha &amp; Whisk</a>"#) == true)
        #expect(r.html?.contains(#"<a href="https://t.example/u/abc">Unsubscribe</a>"#) == true)
    }

    @Test("hostile trait values are escaped in HTML, kept as text elsewhere, and cannot break a subject line")
    func hostileData() throws {
        let lib = try library(Self.layout, Self.winBack)
        let evil = "<script>alert(\"x\")</script>' onload='x\r\nBcc: all@example.com"
        let r = try lib.render("win-back-offer", data: data(firstName: evil))
        let html = try #require(r.html)
        #expect(!html.contains("<script>"))
        #expect(html.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&#39; onload=&#39;x"))
        #expect(r.text?.contains("<script>alert(\"x\")</script>") == true)
        let subject = try #require(r.subject)
        #expect(!subject.contains("\r") && !subject.contains("\n"))
        #expect(subject.hasPrefix("<script>"))
    }

    @Test("the customer's locale chooses the translation: exact, then language, then the default")
    func locales() throws {
        let lib = try library(Self.layout, Self.winBack)
        #expect(try lib.render("win-back-offer", data: data(firstName: "Lena", locale: "de-AT")).subject == "Lena, 20 % Rabatt")
        #expect(try lib.render("win-back-offer", data: data(firstName: "Lena", locale: "de_DE")).locale == "de")
        #expect(try lib.render("win-back-offer", data: data(firstName: "Louis", locale: "fr")).locale == "en")
        // A part the translation lacks is not taken from another language.
        #expect(try lib.render("win-back-offer", data: data(firstName: "Lena", locale: "de")).html == nil)
    }

    @Test("a field the data cannot have is refused when the template is saved, with its name, place and a suggestion")
    func missingFields() throws {
        func error(_ doc: String) throws -> TemplateError {
            try #require(#expect(throws: TemplateError.self) { try library(Self.layout, doc) })
        }
        let typo = try error("name: t\ntext: |\n  Hello\n  Hi {{customer.frist_name}}!\n")
        #expect(typo.part == "text")
        #expect(typo.line == 2 && typo.column == 4)
        #expect(typo.message.contains("the customer has no trait \"frist_name\"") && typo.message.contains("did you mean \"first_name\""))
        let inList = try error("name: t\nhtml: '{{#recommendations}}{{nmae}}{{/recommendations}}'\n")
        #expect(inList.message.contains("nmae"))
        let unknownRoot = try error("name: t\nsubject: '{{promocode.code}}'\n")
        #expect(unknownRoot.message.contains("{{promocode.code}} names no field") && unknownRoot.message.contains("promo_code"))
        let partial = try error("name: t\nhtml: '{{> footer}}'\n")
        #expect(partial.message.contains("no partial named \"footer\""))
        let unclosed = try error("name: t\nhtml: '{{#recommendations}}x'\n")
        #expect(unclosed.part == "html")
        let translated = try error("name: t\nlocales:\n  en: {text: ok}\n  de: {text: '{{customer.vorname}}'}\n")
        #expect(translated.part == "text (de)")
        // Event properties are open: any name may be used, guarded by a section.
        _ = try library("name: t\ntext: '{{#event.coupon}}Code {{event.coupon}}{{/event.coupon}}{{^customer.first_name}}Hi there{{/customer.first_name}}'\n")
    }

    @Test("documents are checked field by field")
    func documents() throws {
        #expect(throws: TemplateError.self) { try MessageTemplate(json: try YAMLDocument.parse("name: t\nsubjet: x\n")) }
        #expect(throws: TemplateError.self) { try MessageTemplate(json: try YAMLDocument.parse("name: ''\ntext: x\n")) }
        #expect(throws: TemplateError.self) { try MessageTemplate(json: try YAMLDocument.parse("name: t\ndefault_locale: fr\nlocales: {en: {text: x}}\n")) }
        #expect(throws: TemplateError.self) { try MessageTemplate(json: try YAMLDocument.parse("name: t\ntext: x\nlocales: {en: {text: y}}\n")) }
        let t = try MessageTemplate(json: try YAMLDocument.parse(Self.winBack))
        #expect(try MessageTemplate(json: t.json) == t)
        #expect(throws: TemplateError.self) { try library("name: t\ntext: '{{=<% %>=}}'\n") }
    }
}
