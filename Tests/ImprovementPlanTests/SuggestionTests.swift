import Testing
@testable import ImprovementPlan

/// "Did you mean": the nearest key or name, or none when none is near or two are equally near.
@Suite("suggestions")
struct SuggestionTests {
    static let partnerships = ["dundee", "fife", "glasgow-city", "stirling", "west-dunbartonshire"]
    static let owners = ["Chief Social Work Officer", "Head of Service, Education", "Head of Nursing", "Independent Reviewing Officer"]

    @Test("a key one slip away is offered; 4-letter words allow 1 edit, longer ones more", arguments: [
        ("fiffe", "fife"), ("dundy", "dundee"), ("stirlnig", "stirling"), ("glasgow city", "glasgow-city"), ("DUNDEE", "dundee"),
    ])
    func near(typed: String, meant: String) {
        #expect(Suggestion.closest(to: typed, among: Self.partnerships) == meant)
    }

    @Test("nothing near, nothing offered", arguments: ["fxxxe", "aberdeen", "", "west"])
    func far(typed: String) {
        #expect(Suggestion.closest(to: typed, among: Self.partnerships) == nil)
    }

    @Test("two equally near: neither is offered")
    func tie() {
        #expect(Suggestion.closest(to: "cat", among: ["bat", "hat"]) == nil)
    }

    @Test("part of a name: the name with a run of words nearest it", arguments: [
        ("social wrk", "Chief Social Work Officer"), ("educaton", "Head of Service, Education"), ("nursng", "Head of Nursing"),
        ("reviewing oficer", "Independent Reviewing Officer"),
    ])
    func part(typed: String, meant: String) {
        #expect(Suggestion.closest(part: typed, among: Self.owners) == meant)
    }

    @Test("part of a name far from every name, or as near two names: nothing offered", arguments: ["zzz", "head of", "officer"])
    func partFar(typed: String) {
        #expect(Suggestion.closest(part: typed, among: Self.owners) == nil)
    }
}
