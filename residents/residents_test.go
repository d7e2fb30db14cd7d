package residents_test

import (
	"testing"

	"sotepe"
	"sotepe/internal/testenv"
	"sotepe/residents"
)

func TestResidentAccess(t *testing.T) {
	testenv.Envs(t, func(t *testing.T, e *testenv.Env) {
		svc := residents.New(e.Store)
		annaID := e.People.Residents["anna"]
		annaCtx, anna := e.As("anna")
		nurseCtx, nurse := e.As("nurse")
		analystCtx, analyst := e.As("analyst")

		// A resident reads their own data; staff have none of their own.
		own, err := svc.Own(annaCtx, anna)
		testenv.Code(t, err, "")
		if own.ID != annaID || own.FirstName != "Anna" {
			t.Fatalf("own = %+v", own)
		}
		_, err = svc.Own(nurseCtx, nurse)
		testenv.Code(t, err, sotepe.ENotFound)

		// Staff read on a basis, audited; residents and analysts may not.
		res, err := svc.Read(nurseCtx, nurse, annaID, sotepe.BasisCareRelationship)
		testenv.Code(t, err, "")
		if res.PersonalID != own.PersonalID {
			t.Fatalf("read = %+v", res)
		}
		_, err = svc.Read(nurseCtx, nurse, annaID, "gossip")
		testenv.Code(t, err, sotepe.EInvalid)
		_, err = svc.Read(annaCtx, anna, e.People.Residents["erik"], sotepe.BasisCareRelationship)
		testenv.Code(t, err, sotepe.EForbidden)
		_, err = svc.Read(analystCtx, analyst, annaID, sotepe.BasisCareRelationship)
		testenv.Code(t, err, sotepe.EForbidden)
		_, err = svc.Read(nurseCtx, nurse, 999999, sotepe.BasisCareRelationship)
		testenv.Code(t, err, sotepe.ENotFound)

		found, err := svc.Find(nurseCtx, nurse, own.PersonalID, sotepe.BasisClientRequest)
		testenv.Code(t, err, "")
		if found.ID != annaID {
			t.Fatalf("found %d, want %d", found.ID, annaID)
		}
		_, err = svc.Find(nurseCtx, nurse, "not-a-code", sotepe.BasisClientRequest)
		testenv.Code(t, err, sotepe.EInvalid)
		_, err = svc.Find(annaCtx, anna, own.PersonalID, sotepe.BasisClientRequest)
		testenv.Code(t, err, sotepe.EForbidden)

		// Both reads show in anna's access log, and only she may ask.
		log, err := svc.AccessLog(annaCtx, anna, sotepe.PageRequest{Limit: 10})
		testenv.Code(t, err, "")
		if len(log.Items) != 2 {
			t.Fatalf("access log holds %d reads, want 2", len(log.Items))
		}
		erikCtx, erik := e.As("erik")
		erikLog, err := svc.AccessLog(erikCtx, erik, sotepe.PageRequest{Limit: 10})
		testenv.Code(t, err, "")
		if len(erikLog.Items) != 0 {
			t.Fatalf("erik's log holds %d reads of someone else", len(erikLog.Items))
		}
		_, err = svc.AccessLog(nurseCtx, nurse, sotepe.PageRequest{Limit: 10})
		testenv.Code(t, err, sotepe.EForbidden)

		// Colleagues: the staff of one's own unit only.
		unit := nurse.Units[0]
		staff, err := svc.Colleagues(nurseCtx, nurse, unit)
		testenv.Code(t, err, "")
		if len(staff) == 0 {
			t.Fatal("no colleagues at the nurse's own unit")
		}
		_, err = svc.Colleagues(nurseCtx, nurse, "toolo-health-station")
		testenv.Code(t, err, sotepe.ENotFound)
		_, err = svc.Colleagues(annaCtx, anna, unit)
		testenv.Code(t, err, sotepe.ENotFound)
	})
}
