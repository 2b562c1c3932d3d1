//! Users, devices and sessions.

use super::SqliteStore;
use super::prelude::*;
use automerge::ActorId;
use rusqlite::{Connection, OptionalExtension, Row, params};

const USER_COLS: &str = "id, username, display_name, role, province, city, county, disabled, centres";

fn user_from_row(r: &Row<'_>) -> rusqlite::Result<User> {
    let role: String = r.get(3)?;
    Ok(User {
        id: r.get(0)?,
        username: r.get(1)?,
        display_name: r.get(2)?,
        role: role
            .parse()
            .map_err(|e: String| rusqlite::Error::FromSqlConversionFailure(3, rusqlite::types::Type::Text, e.into()))?,
        scope: Scope { province: r.get(4)?, city: r.get(5)?, county: r.get(6)? },
        disabled: r.get(7)?,
        centres: serde_json::from_str(&r.get::<_, String>(8)?)
            .map_err(|e| rusqlite::Error::FromSqlConversionFailure(8, rusqlite::types::Type::Text, Box::new(e)))?,
    })
}

fn device_actors(conn: &Connection, device_id: i64) -> StoreResult<Vec<ActorId>> {
    let mut stmt = conn.prepare_cached("SELECT actor FROM device_actors WHERE device_id = ?1 ORDER BY actor")?;
    let rows = stmt.query_map([device_id], |r| r.get::<_, Vec<u8>>(0))?;
    Ok(rows.collect::<Result<Vec<_>, _>>()?.into_iter().map(ActorId::from).collect())
}

fn device_from_row(conn: &Connection, r: &Row<'_>) -> StoreResult<Device> {
    let id: i64 = r.get(0)?;
    Ok(Device {
        id,
        user_id: r.get(1)?,
        name: r.get(2)?,
        created_at: r.get(3)?,
        revoked: r.get::<_, Option<i64>>(4)?.is_some(),
        actors: device_actors(conn, id)?,
        public_key: r.get::<_, Option<Vec<u8>>>(5)?.and_then(|k| k.try_into().ok()),
    })
}

const DEVICE_COLS: &str = "id, user_id, name, created_at, revoked_at, public_key";

impl UserStore for SqliteStore {
    fn create_user(&self, u: NewUser, now: i64) -> StoreResult<User> {
        self.write(move |c| {
            let exists: bool =
                c.query_row("SELECT EXISTS(SELECT 1 FROM users WHERE username = ?1)", [&u.username], |r| r.get(0))?;
            if exists {
                return Err(StoreError::Exists(format!("user `{}`", u.username)));
            }
            let centres = serde_json::to_string(&u.centres).map_err(|e| StoreError::Backend(e.to_string()))?;
            c.execute(
                "INSERT INTO users (username, display_name, role, province, city, county, password_hash, created_at,
                     centres)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                params![
                    u.username,
                    u.display_name,
                    u.role.as_str(),
                    u.scope.province,
                    u.scope.city,
                    u.scope.county,
                    u.password_hash,
                    now,
                    centres
                ],
            )?;
            Ok(User {
                id: c.last_insert_rowid(),
                username: u.username,
                display_name: u.display_name,
                role: u.role,
                scope: u.scope,
                disabled: false,
                centres: u.centres,
            })
        })
    }

    fn user_by_name(&self, username: &str) -> StoreResult<Option<(User, String)>> {
        self.read(|c| {
            let sql = format!("SELECT {USER_COLS}, password_hash FROM users WHERE username = ?1");
            Ok(c.query_row(&sql, [username], |r| Ok((user_from_row(r)?, r.get(9)?))).optional()?)
        })
    }

    fn set_user_disabled(&self, username: &str, disabled: bool) -> StoreResult<bool> {
        let username = username.to_owned();
        self.write(move |c| {
            let n = c.execute("UPDATE users SET disabled = ?2 WHERE username = ?1", params![username, disabled])?;
            if disabled {
                c.execute(
                    "DELETE FROM sessions WHERE user_id = (SELECT id FROM users WHERE username = ?1)",
                    [&username],
                )?;
            }
            Ok(n == 1)
        })
    }

    fn set_password(&self, username: &str, hash: &str, revoke_devices: bool) -> StoreResult<bool> {
        let (username, hash) = (username.to_owned(), hash.to_owned());
        self.write(move |c| {
            let n = c.execute("UPDATE users SET password_hash = ?2 WHERE username = ?1", params![username, hash])?;
            c.execute("DELETE FROM sessions WHERE user_id = (SELECT id FROM users WHERE username = ?1)", [&username])?;
            // Whoever knew the old password may have signed in from a browser.
            c.execute(
                "DELETE FROM known_clients WHERE user_id = (SELECT id FROM users WHERE username = ?1)",
                [&username],
            )?;
            if revoke_devices {
                c.execute(
                    "UPDATE devices SET revoked_at = ?2
                     WHERE revoked_at IS NULL AND user_id = (SELECT id FROM users WHERE username = ?1)",
                    params![username, super::now_ms()],
                )?;
            }
            Ok(n == 1)
        })
    }

    fn list_users(&self, scope: &Scope) -> StoreResult<Vec<User>> {
        let scope = scope.clone();
        self.read(move |c| {
            let sql = format!(
                "SELECT {USER_COLS} FROM users WHERE (?1 = '' OR province = ?1) AND (?2 = '' OR city = ?2)
                 AND (?3 = '' OR county = ?3) ORDER BY username"
            );
            let mut stmt = c.prepare(&sql)?;
            let rows = stmt.query_map(params![scope.province, scope.city, scope.county], user_from_row)?;
            Ok(rows.collect::<Result<Vec<_>, _>>()?)
        })
    }

    fn create_device(&self, d: NewDevice<'_>, now: i64) -> StoreResult<Device> {
        let (user_id, name, token_hash, actors) = (d.user_id, d.name.to_owned(), *d.token_hash, d.actors.to_vec());
        let public_key = d.public_key.copied();
        self.write(move |c| {
            c.execute(
                "INSERT INTO devices (user_id, name, token_hash, created_at, public_key) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![user_id, name, token_hash.as_slice(), now, public_key.as_ref().map(<[u8; 32]>::as_slice)],
            )?;
            let id = c.last_insert_rowid();
            for a in &actors {
                c.execute("INSERT INTO device_actors (actor, device_id) VALUES (?1, ?2)", params![a.to_bytes(), id])?;
            }
            Ok(Device { id, user_id, name, created_at: now, revoked: false, actors, public_key })
        })
    }

    fn device_by_token(&self, token_hash: &[u8; 32]) -> StoreResult<Option<(Device, User)>> {
        self.read(|c| {
            let sql = format!("SELECT {DEVICE_COLS} FROM devices WHERE token_hash = ?1 AND revoked_at IS NULL");
            let mut stmt = c.prepare_cached(&sql)?;
            let mut rows = stmt.query([token_hash.as_slice()])?;
            let Some(row) = rows.next()? else { return Ok(None) };
            let device = device_from_row(c, row)?;
            let sql = format!("SELECT {USER_COLS} FROM users WHERE id = ?1");
            let user = c.query_row(&sql, [device.user_id], user_from_row)?;
            Ok(Some((device, user)))
        })
    }

    fn device(&self, id: i64) -> StoreResult<Option<Device>> {
        self.read(|c| {
            let sql = format!("SELECT {DEVICE_COLS} FROM devices WHERE id = ?1");
            let mut stmt = c.prepare(&sql)?;
            let mut rows = stmt.query([id])?;
            match rows.next()? {
                Some(row) => Ok(Some(device_from_row(c, row)?)),
                None => Ok(None),
            }
        })
    }

    fn device_with_owner(&self, id: i64) -> StoreResult<Option<(Device, String)>> {
        self.read(|c| {
            let sql = "SELECT d.id, d.user_id, d.name, d.created_at, d.revoked_at, d.public_key, u.username
                       FROM devices d JOIN users u ON u.id = d.user_id WHERE d.id = ?1";
            let mut stmt = c.prepare_cached(sql)?;
            let mut rows = stmt.query([id])?;
            match rows.next()? {
                Some(row) => Ok(Some((device_from_row(c, row)?, row.get(6)?))),
                None => Ok(None),
            }
        })
    }

    fn device_of_actor(&self, actor: &ActorId) -> StoreResult<Option<(Device, String)>> {
        let id: Option<i64> = self.read(|c| {
            Ok(c.query_row("SELECT device_id FROM device_actors WHERE actor = ?1", [actor.to_bytes()], |r| r.get(0))
                .optional()?)
        })?;
        match id {
            Some(id) => self.device_with_owner(id),
            None => Ok(None),
        }
    }

    fn server_signing_key(&self, fresh: &[u8; 32], now: i64) -> StoreResult<[u8; 32]> {
        let fresh = *fresh;
        self.write(move |c| {
            c.execute(
                "INSERT INTO server_identity (id, signing_key, created_at) VALUES (1, ?1, ?2) ON CONFLICT (id) DO NOTHING",
                params![fresh.as_slice(), now],
            )?;
            let key: Vec<u8> = c.query_row("SELECT signing_key FROM server_identity WHERE id = 1", [], |r| r.get(0))?;
            key.try_into().map_err(|_| StoreError::Backend("the server's signing key is not 32 bytes".into()))
        })
    }

    fn devices_of(&self, user_id: i64) -> StoreResult<Vec<Device>> {
        self.read(|c| {
            let sql = format!("SELECT {DEVICE_COLS} FROM devices WHERE user_id = ?1 ORDER BY id");
            let mut stmt = c.prepare(&sql)?;
            let mut rows = stmt.query([user_id])?;
            let mut out = Vec::new();
            while let Some(row) = rows.next()? {
                out.push(device_from_row(c, row)?);
            }
            Ok(out)
        })
    }

    fn revoke_device(&self, id: i64, now: i64) -> StoreResult<bool> {
        self.write(move |c| {
            Ok(c.execute("UPDATE devices SET revoked_at = ?2 WHERE id = ?1 AND revoked_at IS NULL", params![id, now])?
                == 1)
        })
    }

    fn create_session(&self, user_id: i64, token_hash: &[u8; 32], expires_at: i64) -> StoreResult<()> {
        let token_hash = *token_hash;
        self.write(move |c| {
            c.execute(
                "INSERT INTO sessions (token_hash, user_id, expires_at) VALUES (?1, ?2, ?3)",
                params![token_hash.as_slice(), user_id, expires_at],
            )?;
            c.execute("DELETE FROM sessions WHERE expires_at < ?1", [expires_at - 30 * 86_400_000])?;
            Ok(())
        })
    }

    fn session_user(&self, token_hash: &[u8; 32], now: i64) -> StoreResult<Option<User>> {
        self.read(|c| {
            let sql = format!(
                "SELECT {USER_COLS} FROM users WHERE id = (SELECT user_id FROM sessions WHERE token_hash = ?1 AND expires_at > ?2)"
            );
            Ok(c.query_row(&sql, params![token_hash.as_slice(), now], user_from_row).optional()?)
        })
    }

    fn delete_session(&self, token_hash: &[u8; 32]) -> StoreResult<()> {
        let token_hash = *token_hash;
        self.write(move |c| {
            c.execute("DELETE FROM sessions WHERE token_hash = ?1", [token_hash.as_slice()])?;
            Ok(())
        })
    }

    fn remember_client(&self, user_id: i64, token_hash: &[u8; 32], now: i64) -> StoreResult<()> {
        let token_hash = *token_hash;
        self.write(move |c| {
            c.execute(
                "INSERT INTO known_clients (token_hash, user_id, created_at, last_used_at) VALUES (?1, ?2, ?3, ?3)
                 ON CONFLICT (token_hash) DO UPDATE SET last_used_at = ?3 WHERE user_id = ?2",
                params![token_hash.as_slice(), user_id, now],
            )?;
            c.execute(
                "DELETE FROM known_clients WHERE user_id = ?1 AND token_hash NOT IN
                 (SELECT token_hash FROM known_clients WHERE user_id = ?1 ORDER BY last_used_at DESC LIMIT 20)",
                [user_id],
            )?;
            Ok(())
        })
    }

    fn known_client(&self, token_hash: &[u8; 32]) -> StoreResult<Option<i64>> {
        self.read(|c| {
            Ok(c.query_row("SELECT user_id FROM known_clients WHERE token_hash = ?1", [token_hash.as_slice()], |r| {
                r.get(0)
            })
            .optional()?)
        })
    }
}
