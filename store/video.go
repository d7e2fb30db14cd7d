package store

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"
	"time"

	"sotepe"
)

// The video side of appointments: invitations to a room, the record of a
// held call, and turning a video appointment into a phone appointment.

const inviteColumns = `id, appointment_id, unit_id, role, created_by, created_at, expires_at, used_at`

func scanInvite(sc interface{ Scan(...any) error }) (sotepe.VideoInvite, error) {
	var inv sotepe.VideoInvite
	var role string
	var created, expires int64
	var used sql.NullInt64
	if err := sc.Scan(&inv.ID, &inv.AppointmentID, &inv.UnitID, &role, &inv.CreatedBy, &created, &expires, &used); err != nil {
		return inv, err
	}
	inv.Role, inv.CreatedAt, inv.ExpiresAt = sotepe.VideoRole(role), fromMicros(created), fromMicros(expires)
	if used.Valid {
		inv.Used, inv.UsedAt = true, fromMicros(used.Int64)
	}
	return inv, nil
}

// inviteObject names an invitation in the audit trail.
func inviteObject(id int64) string { return "video_invite:" + strconv.FormatInt(id, 10) }

// SaveVideoInvite stores inv under tokenHash with its audit row
// (video.invite, about the appointment's resident) in one transaction and
// returns it with its id. An appointment that does not exist is EInvalid
// ("error.reference"); a role that is not a guest's EInvalid
// ("video.error.role").
func (s *Store) SaveVideoInvite(ctx context.Context, inv sotepe.VideoInvite, tokenHash []byte) (sotepe.VideoInvite, error) {
	if !inv.Role.Guest() {
		return inv, sotepe.Invalid("video.error.role", "invite an interpreter or a guardian")
	}
	inv.CreatedAt, inv.ExpiresAt = instant(inv.CreatedAt), instant(inv.ExpiresAt)
	inv.Used, inv.UsedAt = false, time.Time{}
	err := s.inTx(ctx, "save video invite", func(tx *sql.Tx) error {
		var resident int64
		if err := tx.QueryRowContext(ctx, `SELECT resident_id FROM appointments WHERE id = $1`, inv.AppointmentID).Scan(&resident); errors.Is(err, sql.ErrNoRows) {
			return sotepe.Invalid("error.reference", "no such appointment")
		} else if err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, `
			INSERT INTO video_invites (appointment_id, unit_id, role, token_hash, created_by, created_at, expires_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
			inv.AppointmentID, inv.UnitID, string(inv.Role), tokenHash, inv.CreatedBy, micros(inv.CreatedAt), micros(inv.ExpiresAt)).Scan(&inv.ID); err != nil {
			return err
		}
		return s.auditChange(ctx, tx, sotepe.ActionVideoInvite, inviteObject(inv.ID), resident)
	})
	if err != nil {
		return sotepe.VideoInvite{}, err
	}
	return inv, nil
}

// VideoInviteByToken returns the invite whose token hashes to tokenHash,
// used or not, or ENotFound.
func (s *Store) VideoInviteByToken(ctx context.Context, tokenHash []byte) (sotepe.VideoInvite, error) {
	inv, err := scanInvite(s.reads.QueryRowContext(ctx, `SELECT `+inviteColumns+` FROM video_invites WHERE token_hash = $1`, tokenHash))
	if errors.Is(err, sql.ErrNoRows) {
		return inv, sotepe.NotFound("invitation")
	}
	return inv, s.fail("read video invite", err)
}

// RedeemVideoInvite marks the unused invite of tokenHash that has not
// expired by now used, storing keyHash, in one conditional update; anything
// else is ENotFound.
func (s *Store) RedeemVideoInvite(ctx context.Context, tokenHash, keyHash []byte, now time.Time) (sotepe.VideoInvite, error) {
	inv, err := scanInvite(s.writer.QueryRowContext(ctx, `
		UPDATE video_invites SET used_at = $2, guest_hash = $3
		WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2
		RETURNING `+inviteColumns, tokenHash, micros(instant(now)), keyHash))
	if errors.Is(err, sql.ErrNoRows) {
		return inv, sotepe.NotFound("invitation")
	}
	return inv, s.fail("redeem video invite", err)
}

// VideoGuest returns redeemed invite id when keyHash is its guest's, or
// ENotFound.
func (s *Store) VideoGuest(ctx context.Context, id int64, keyHash []byte) (sotepe.VideoInvite, error) {
	inv, err := scanInvite(s.reads.QueryRowContext(ctx, `SELECT `+inviteColumns+` FROM video_invites
		WHERE id = $1 AND guest_hash = $2`, id, keyHash))
	if errors.Is(err, sql.ErrNoRows) {
		return inv, sotepe.NotFound("invitation")
	}
	return inv, s.fail("read video guest", err)
}

// VideoInvites returns the invites of an appointment, newest first.
func (s *Store) VideoInvites(ctx context.Context, appointmentID int64) ([]sotepe.VideoInvite, error) {
	out, err := queryAll(ctx, s.reads, func(rows *sql.Rows) (sotepe.VideoInvite, error) { return scanInvite(rows) },
		`SELECT `+inviteColumns+` FROM video_invites WHERE appointment_id = $1 ORDER BY id DESC`, appointmentID)
	return out, s.fail("list video invites", err)
}

// RecordVideoCall records at as when a call of the appointment's room first
// connected; a later call changes nothing. A missing appointment is
// ENotFound.
func (s *Store) RecordVideoCall(ctx context.Context, appointmentID int64, at time.Time) error {
	return s.fail("record video call", execAffecting(ctx, s.writer, sotepe.NotFound("appointment"),
		`UPDATE appointments SET video_call_at = COALESCE(video_call_at, $2) WHERE id = $1`,
		appointmentID, micros(instant(at))))
}

// recordVisit writes the service events of completed appointment a in tx:
// the visit, counted under the statistic of its service in its mode, and
// for a video appointment whose call was held (RecordVideoCall) a video
// appointment (StatPortalVideoAppointments). A video appointment completed
// without a held call was not a video visit: its visit counts as by phone,
// the way a professional reaches a resident whose call did not connect, and
// no video appointment is counted.
func (s *Store) recordVisit(ctx context.Context, tx *sql.Tx, a sotepe.Appointment) error {
	day := a.Start.In(s.zone).Format(time.DateOnly)
	id := strconv.FormatInt(a.ID, 10)
	mode := sotepe.EventMode(a.Mode)
	held := false
	if a.Mode == sotepe.ModeVideo {
		var at sql.NullInt64
		if err := tx.QueryRowContext(ctx, `SELECT video_call_at FROM appointments WHERE id = $1`, a.ID).Scan(&at); err != nil {
			return err
		}
		if held = at.Valid; !held {
			mode = sotepe.EventPhone
		}
	}
	if err := s.recordEvent(ctx, tx, sotepe.ServiceEvent{Source: sotepe.SourceAppointment, ExternalID: id,
		Day: day, UnitID: a.UnitID, Statistic: sotepe.ServiceStatistic(a.ServiceID), Mode: mode}); err != nil {
		return err
	}
	if !held {
		return nil
	}
	return s.recordEvent(ctx, tx, sotepe.ServiceEvent{Source: sotepe.SourceVideo, ExternalID: id,
		Day: day, UnitID: a.UnitID, Statistic: sotepe.StatPortalVideoAppointments, Mode: sotepe.EventVideo})
}

// SwitchToPhone turns a booked or arrived video appointment within scope
// that has not ended by now into a phone appointment without a room, with
// its audit row (appointment.phone) and, for a staff actor, the row of the
// answer's read, in one transaction. One outside scope or missing is
// ENotFound; one that is not a video appointment, is no longer active or
// has ended is EConflict ("video.error.not_video").
func (s *Store) SwitchToPhone(ctx context.Context, id int64, scope sotepe.AppointmentScope, now time.Time) (sotepe.Appointment, error) {
	cond, args, ok := apptScope(scope, 3)
	if !ok {
		return sotepe.Appointment{}, sotepe.NotFound("appointment")
	}
	var out sotepe.Appointment
	err := s.inTx(ctx, "switch to phone", func(tx *sql.Tx) error {
		// SQLite's UPDATE takes no table alias: the columns go bare.
		a, err := scanAppt(tx.QueryRowContext(ctx, `
			UPDATE appointments SET mode = 'phone', video_room = NULL
			WHERE id = $1 AND mode = 'video' AND video_room IS NOT NULL AND status IN ('booked', 'arrived') AND end_at > $2
			AND `+strings.ReplaceAll(cond, "a.", "")+`
			RETURNING `+strings.ReplaceAll(apptColumns, "a.", ""), append([]any{id, micros(instant(now))}, args...)...))
		if errors.Is(err, sql.ErrNoRows) {
			var one int
			cond, args, _ := apptScope(scope, 2)
			err := tx.QueryRowContext(ctx, `SELECT 1 FROM appointments a WHERE a.id = $1 AND `+cond, append([]any{id}, args...)...).Scan(&one)
			if errors.Is(err, sql.ErrNoRows) {
				return sotepe.NotFound("appointment")
			}
			if err != nil {
				return err
			}
			return conflict("video.error.not_video", "the appointment is not a video appointment that is still to come")
		}
		if err != nil {
			return err
		}
		out = a
		return s.auditApptChange(ctx, tx, sotepe.ActionAppointmentPhone, a)
	})
	return out, err
}
