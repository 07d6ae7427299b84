import { describe, expectTypeOf, it } from "vitest";
import type * as Worker from "../../src/services/pod/wire-types.ts";
import type * as Ui from "../../ui/lib/pod-types.ts";

// The UI keeps its own copy of the pod endpoint shapes; this fails the type-check when they drift.
describe("pod wire types", () => {
  it("are identical in the Worker and the UI", () => {
    expectTypeOf<Ui.PodSessionResponse>().toEqualTypeOf<Worker.PodSessionResponse>();
    expectTypeOf<Ui.PodContextResponse>().toEqualTypeOf<Worker.PodContextResponse>();
    expectTypeOf<Ui.LineNoteView>().toEqualTypeOf<Worker.LineNoteView>();
    expectTypeOf<Ui.LineNoteListResponse>().toEqualTypeOf<Worker.LineNoteListResponse>();
    expectTypeOf<Ui.LineNoteResponse>().toEqualTypeOf<Worker.LineNoteResponse>();
    expectTypeOf<Ui.CreatedUserResponse>().toEqualTypeOf<Worker.CreatedUserResponse>();
  });
});
