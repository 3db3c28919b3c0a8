/// The seed plan files, embedded so `planwatch demo` works from an installed binary.
public enum Seeds {
    /// Each seed file's name and its JSON text, in the order they load.
    public static let files: [(name: String, json: String)] = [
        ("dundee-2021.json", text(PackageResources.dundee_2021_json)),
        ("west-dunbartonshire-2022.json", text(PackageResources.west_dunbartonshire_2022_json)),
        ("glasgow-city.json", text(PackageResources.glasgow_city_json)),
        ("stirling.json", text(PackageResources.stirling_json)),
        ("inverclyde-2017.json", text(PackageResources.inverclyde_2017_json)),
    ]

    private static func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }
}
