import ArgumentParser
import Foundation
import TenureCore
import TenureDocuments
import TenureServer
import TenureStore

/// `tenure templates …`: message templates from the command line.
struct TemplatesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "templates",
        abstract: "Save, list, show, preview and delete message templates (Mustache; subject, text, html, push, sms per locale).",
        discussion: """
            A template is a YAML or JSON document: a name and its parts, at the top level or under locales \
            (en, de, pt-BR, …; the customer's locale trait chooses). Fields: customer.<trait>, customer.user_id, \
            event.<property>, event.name, promo_code.code|expires_at|offer, recommendations (a list of name, url, price, \
            image_url, product_id), replenishment.interval_days|runs_out_on, journey.name|step, message.id, \
            unsubscribe_url, preferences_url. A template with `partial: true` is a layout others include with \
            {{> name}} or extend with {{< name}}{{$body}}…{{/body}}{{/name}}. A field no customer has is refused when \
            the template is saved.
            """,
        subcommands: [Create.self, List.self, Show.self, Preview.self, Delete.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Save a template (a new one, or a new text for one).")
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "The template document (.yaml, .yml or .json).") var file: String
        @Option(help: "Who is saving it.") var by = ProcessInfo.processInfo.environment["USER"] ?? "cli"

        func run() async throws {
            guard let data = FileManager.default.contents(atPath: file) else { throw ValidationError("cannot read \(file)") }
            do {
                let (template, created) = try await TemplateCatalog(store: try database.open()).save(data, format: JourneyDocumentFile.Format(fileName: file), by: by)
                print(created ? "created template \"\(template.name)\"" : "saved template \"\(template.name)\"")
            } catch let error as TemplateError {
                throw ValidationError("\(file): \(error)")
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List templates with their locales and parts.")
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            for saved in try await database.open().templates() {
                let t = try TemplateCatalog.read(saved)
                let parts = Set(t.locales.values.flatMap(\.keys)).map(\.rawValue).sorted().joined(separator: ",")
                print("\(t.name)\t\(t.isPartial ? "partial" : "message")\t\(t.locales.keys.sorted().joined(separator: ","))\t\(parts)")
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print a template's document.")
        @OptionGroup var database: DatabaseOptions
        @Argument var name: String
        @Option(help: "The document's format: json or yaml.") var format: DocumentFormat = .yaml

        func run() async throws {
            guard let saved = try await database.open().template(named: name) else { throw ValidationError("there is no template named \"\(name)\"") }
            let json = try TemplateCatalog.read(saved).json
            if format == .yaml {
                print(YAMLWriter.string(json, keyOrder: ["name", "description", "partial", "default_locale", "locales", "subject", "push", "sms", "text", "html"]), terminator: "")
            } else {
                print(JSONWriter.string(json))
            }
        }
    }

    struct Preview: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Render a template for one customer (their traits and last event; sample promo code and recommendations).")
        @OptionGroup var database: DatabaseOptions
        @Argument var name: String
        @Option(help: "The customer's user id.") var customer: String
        @Option(help: "Print only this part: subject, text, html, push or sms.") var part: MessageTemplate.Part?

        func run() async throws {
            let rendered: TemplateLibrary.Rendered
            do {
                rendered = try await TemplateCatalog(store: try database.open()).preview(name, userId: customer)
            } catch let error as TemplateError {
                throw ValidationError("\(error)")
            }
            let parts: [(MessageTemplate.Part, String?)] = [(.subject, rendered.subject), (.push, rendered.push), (.sms, rendered.sms), (.text, rendered.text), (.html, rendered.html)]
            if let part {
                guard let text = parts.first(where: { $0.0 == part })?.1 else { throw ValidationError("the template has no \(part.rawValue) part in locale \(rendered.locale)") }
                print(text)
                return
            }
            print("locale: \(rendered.locale)")
            for case (let p, let text?) in parts { print("--- \(p.rawValue)\n\(text)") }
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete a template (refused while another includes it).")
        @OptionGroup var database: DatabaseOptions
        @Argument var name: String

        func run() async throws {
            do {
                guard try await TemplateCatalog(store: try database.open()).delete(name) else { throw ValidationError("there is no template named \"\(name)\"") }
            } catch let error as TemplateError {
                throw ValidationError("\(error)")
            }
            print("deleted template \"\(name)\"")
        }
    }
}

extension MessageTemplate.Part: ExpressibleByArgument {}
