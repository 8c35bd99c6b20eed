import XCTest
@testable import Environments

final class TrajectoryParsingTests: XCTestCase {
    private let header = "episode,t,state,obs,action,reward,terminated,truncated,next_obs\n"

    func testParsesARow() throws {
        let trajectory = try Trajectory(csv: header + "0,0,0.5 0.25,1 2 3,-1.5,-0.75,0,1,4 5 6\n")
        XCTAssertEqual(trajectory.steps, [.init(episode: 0, t: 0, state: [0.5, 0.25], observation: [1, 2, 3], action: [-1.5], reward: -0.75, terminated: false, truncated: true, nextObservation: [4, 5, 6])])
    }

    func testErrorsNameTheLineAndTheProblem() {
        XCTAssertThrowsError(try Trajectory(csv: "episode,t\n0,0\n")) { error in
            XCTAssertTrue("\(error)".contains("missing column"), "\(error)")
        }
        XCTAssertThrowsError(try Trajectory(csv: header + "0,0,0.5 x,1 2 3,-1.5,-0.75,0,0,4 5 6\n", name: "f.csv")) { error in
            XCTAssertTrue("\(error)".contains("f.csv:2") && "\(error)".contains("'x'"), "\(error)")
        }
        XCTAssertThrowsError(try Trajectory(csv: header + "0,0,0.5 1,1 2 3,-1.5,-0.75,2,0,4 5 6\n")) { error in
            XCTAssertTrue("\(error)".contains("terminated"), "\(error)")
        }
        XCTAssertThrowsError(try Trajectory(csv: header))
    }

    func testReplayRejectsAMismatchedEnvironment() throws {
        let trajectory = try Trajectory(csv: header + "0,0,0.5 0.1,1 2,0.5,-0.75,0,0,4 5\n")
        XCTAssertThrowsError(try TrajectoryCheck(replaying: trajectory, through: EnvironmentID.pendulum.make())) { error in
            XCTAssertTrue("\(error)".contains("next_obs has 2 values"), "\(error)")
        }
    }
}
