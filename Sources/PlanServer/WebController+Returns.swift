import Crypto
import Foundation
import Hummingbird
import ImprovementPlan
import MultipartKit
import PlanFormats
import PlanHTML
import PlanStore

/// A return uploaded from a partnership's page: read and reconciled without
/// writing, its change list shown, and recorded only when the officer
/// confirms it — and only if it still makes the changes that were shown.
extension WebController {
    /// The largest file the upload form takes (its confirmation carries it again, in base64).
    static let largestUpload = 4 << 20

    /// The upload form's parts (multipart/form-data, as a browser sends a file), by name; the first of each name counts.
    struct UploadForm {
        var parts: [String: MultipartPart] = [:]

        init(_ buffer: ByteBuffer, boundary: String) throws {
            let parser = MultipartParser(boundary: boundary)
            var headers = HTTPHeaders()
            var body = ByteBuffer()
            var found: [String: MultipartPart] = [:]
            parser.onHeader = { field, value in headers.replaceOrAdd(name: field, value: value) }
            parser.onBody = { body.writeBuffer(&$0) }
            parser.onPartComplete = {
                let part = MultipartPart(headers: headers, body: body)
                if let name = WebController.dispositionParameter(part, "name"), found[name] == nil { found[name] = part }
                headers = [:]
                body = ByteBuffer()
            }
            try parser.execute(buffer)
            parts = found
        }

        func text(_ name: String) -> String? {
            parts[name].map { String(decoding: $0.body.readableBytesView, as: UTF8.self) }
        }
    }

    @Sendable func postReturn(_ request: Request, context: PlanRequestContext) async throws -> Response {
        let key = try context.parameters.require("key")
        guard let boundary = WebController.boundary(request.headers[.contentType]) else {
            throw Problem(.unsupportedMediaType, "form: a return is uploaded as multipart/form-data")
        }
        let buffer = try await request.body.collect(upTo: WebController.largestUpload + (64 << 10))
        guard let form = try? UploadForm(buffer, boundary: boundary) else {
            throw Problem(.badRequest, "form: not a valid form submission")
        }
        guard let expected = context.csrf, WebForm.same(form.text("csrf"), expected) else { throw Problem.csrf }
        let user = try context.require(.uploadReturn, on: key, entity: "partnership", key: key)
        let acting = APIController.acting(store, as: user, request, context)
        do {
            let (inspection, date) = try await inspectionOf(key, form.text("inspection"), form.text("date"))
            guard let part = form.parts["file"], part.body.readableBytes > 0 else { throw PlanError.refused("file: choose the return's file (CSV, Excel or Word)") }
            let data = Data(part.body.readableBytesView)
            let name = WebController.dispositionParameter(part, "filename")
                .flatMap { $0.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map { Sanitise.line(String($0)) } } ?? "the uploaded file"
            return try await preview(context, acting, key: key, inspection: inspection, date: date, data: data, name: name)
        } catch {
            let problem = Problem.from(error)
            guard problem.status == .unprocessableContent else { throw problem }
            return try await followResponse(context, user: user, key: key, status: problem.status, problem: problem.detail)
        }
    }

    @Sendable func confirmReturn(_ request: Request, context: PlanRequestContext) async throws -> Response {
        let key = try context.parameters.require("key")
        let form = try await checkedForm(request, context, limit: WebController.largestUpload * 4 / 3 + (64 << 10))
        let user = try context.require(.uploadReturn, on: key, entity: "partnership", key: key)
        let acting = APIController.acting(store, as: user, request, context)
        do {
            let (inspection, date) = try await inspectionOf(key, form.value("inspection"), form.value("date"))
            guard let data = form.value("file").flatMap({ Data(base64Encoded: $0) }), let shown = form.value("digest") else {
                throw PlanError.refused("file: the confirmation lost its file; upload the return again")
            }
            let name = form.value("name") ?? "the uploaded file"
            do {
                try await blocking {
                    try ReturnUpload.record(data, into: inspection, date: date, store: acting, today: CalendarDate.today(), dryRun: false) { report in
                        guard WebController.digest(report) == shown else { throw ChangedSincePreview() }
                    }
                }
            } catch is ChangedSincePreview {
                // Someone changed the plan between the preview and the confirmation: show what the return would do now.
                return try await preview(context, acting, key: key, inspection: inspection, date: date, data: data, name: name,
                                         status: .conflict,
                                         problem: "the plan changed after the preview, so nothing was recorded: check the changes again")
            }
        } catch {
            let problem = Problem.from(error)
            guard problem.status == .unprocessableContent else { throw problem }
            return try await followResponse(context, user: user, key: key, status: problem.status, problem: problem.detail)
        }
        return Response.redirect(to: "/partnerships/\(key)?done=return")
    }

    struct ChangedSincePreview: Error {}

    /// The inspection a form names, which must be the partnership's (else it is not found here), and the return's date.
    func inspectionOf(_ key: String, _ inspection: String?, _ date: String?) async throws -> (String, CalendarDate) {
        guard let inspection, !inspection.isEmpty else { throw PlanError.refused("inspection: a value is required") }
        let owner = try await blocking { [store] in try store.partnership(ofInspection: inspection) }
        guard owner == key else { throw PlanError.notFound(entity: "inspection", key: inspection) }
        let today = CalendarDate.today()
        return (inspection, try date.map { try DateInput.parse(field: "date", $0, today: today) } ?? today)
    }

    /// Reads and reconciles the return without writing, and shows its change list with the form that records it.
    func preview(_ context: PlanRequestContext, _ store: PlanStore, key: String, inspection: String, date: CalendarDate, data: Data,
                 name: String, status: HTTPResponse.Status = .ok, problem: String? = nil) async throws -> Response {
        let report = try await blocking {
            try ReturnUpload.record(data, into: inspection, date: date, store: store, today: CalendarDate.today(), dryRun: true)
        }
        let page = WebPages.ReturnPreview(partnership: key, inspection: inspection, date: date, fileName: name,
                                          lines: ReturnWords.lines(report), summary: ReturnWords.summary(report.counts),
                                          file: data.base64EncodedString(), digest: WebController.digest(report))
        return HTMLResponse.make(try WebPages.returnPreview(nav: try nav(context), page, problem: problem), status: status)
    }

    /// SHA-256 of the change list as JSON: equal for the preview and the confirmation only when the return changes the same.
    static func digest(_ report: ReturnReport) -> String {
        let json = (try? JSONOutput.encode(ReturnJSON(report, dryRun: false))) ?? ""
        return SHA256.hash(data: Data(json.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// `multipart/form-data; boundary=----x`: the boundary.
    static func boundary(_ contentType: String?) -> String? {
        guard let contentType, contentType.lowercased().hasPrefix("multipart/form-data") else { return nil }
        for parameter in contentType.split(separator: ";").dropFirst() {
            let pair = parameter.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if pair.count == 2, pair[0].lowercased() == "boundary" {
                let value = pair[1].trimmingCharacters(in: CharacterSet(charactersIn: "\""))
                return value.isEmpty ? nil : value
            }
        }
        return nil
    }

    /// A parameter of a part's Content-Disposition: `name` or `filename` of `form-data; name="file"; filename="Return Q3.xlsx"`.
    static func dispositionParameter(_ part: MultipartPart, _ key: String) -> String? {
        guard let disposition = part.headers.first(name: "Content-Disposition") else { return nil }
        for parameter in disposition.split(separator: ";").dropFirst() {
            let pair = parameter.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard pair.count == 2, pair[0].lowercased() == key else { continue }
            var value = pair[1]
            if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 { value = String(value.dropFirst().dropLast()) }
            return value.isEmpty ? nil : value
        }
        return nil
    }
}
