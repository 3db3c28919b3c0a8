import ImprovementPlan
import PlanFormats
@testable import PlanHTML
import Testing
