//! Users, devices and sessions.

use super::PgStore;
use super::db::get;
use super::prelude::*;
use automerge::ActorId;
use postgres::Row;

const USER_COLS: &str = "id, username, display_name, role, province, city, county, disabled, centres";

fn user_from_row(r: &Row) -> StoreResult<User> {
    let role: String = get(r, 3)?;
    Ok(User {
        id: get(r, 0)?,
        username: get(r, 1)?,
        display_name: get(r, 2)?,
        role: role.parse().map_err(StoreError::Corrupt)?,
        scope: Scope { province: get(r, 4)?, city: get(r, 5)?, county: get(r, 6)? },
        disabled: get(r, 7)?,
        centres: super::rows::json_col(r, 8)?,
    })
}

fn device_actors(c: &mut Db<'_, '_>, device_id: i64) -> StoreResult<Vec<ActorId>> {
    let rows = c.query("SELECT actor FROM device_actors WHERE device_id = $1 ORDER BY actor", &[&device_id])?;
    rows.iter().map(|r| get::<Vec<u8>>(r, 0).map(ActorId::from)).collect()
}

fn device_from_row(c: &mut Db<'_, '_>, r: &Row) -> StoreResult<Device> {
    let id: i64 = get(r, 0)?;
    Ok(Device {
        id,
        user_id: get(r, 1)?,
        name: get(r, 2)?,
        created_at: get(r, 3)?,
        revoked: get::<Option<i64>>(r, 4)?.is_some(),
        actors: device_actors(c, id)?,
        public_key: get::<Option<Vec<u8>>>(r, 5)?.and_then(|k| k.try_into().ok()),
    })
}

const DEVICE_COLS: &str = "id, user_id, name, created_at, revoked_at, public_key";

impl UserStore for PgStore {
    fn signin_ledger(&self) -> Option<&dyn crate::accounts::store::SigninLedger> {
        Some(self)
    }

    fn create_user(&self, u: NewUser, now: i64) -> StoreResult<User> {
        self.write(move |c| {
            let exists: bool =
                get(&c.query_one("SELECT EXISTS(SELECT 1 FROM users WHERE username = $1)", &[&u.username])?, 0)?;
            if exists {
                return Err(StoreError::Exists(format!("user `{}`", u.username)));
            }
            let centres = serde_json::to_string(&u.centres).map_err(|e| StoreError::Backend(e.to_string()))?;
            let row = c.query_one(
                "INSERT INTO users (username, display_name, role, province, city, county, password_hash, created_at,
                     centres)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
                &[
                    &u.username,
                    &u.display_name,
                    &u.role.as_str(),
                    &u.scope.province,
                    &u.scope.city,
                    &u.scope.county,
                    &u.password_hash,
                    &now,
                    &centres,
                ],
            )?;
            Ok(User {
                id: get(&row, 0)?,
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
        let username = username.to_owned();
        self.read(move |c| {
            let sql = format!("SELECT {USER_COLS}, password_hash FROM users WHERE username = $1");
            c.query_opt(&sql, &[&username])?.map(|r| Ok((user_from_row(&r)?, get(&r, 9)?))).transpose()
        })
    }

    fn set_user_disabled(&self, username: &str, disabled: bool) -> StoreResult<bool> {
        let username = username.to_owned();
        self.write(move |c| {
            let n = c.execute("UPDATE users SET disabled = $2 WHERE username = $1", &[&username, &disabled])?;
            if disabled {
                c.execute(
                    "DELETE FROM sessions WHERE user_id = (SELECT id FROM users WHERE username = $1)",
                    &[&username],
                )?;
            }
            Ok(n == 1)
        })
    }

    fn set_password(&self, username: &str, hash: &str, revoke_devices: bool) -> StoreResult<bool> {
        let (username, hash) = (username.to_owned(), hash.to_owned());
        self.write(move |c| {
            let n = c.execute("UPDATE users SET password_hash = $2 WHERE username = $1", &[&username, &hash])?;
            c.execute("DELETE FROM sessions WHERE user_id = (SELECT id FROM users WHERE username = $1)", &[&username])?;
            // Whoever knew the old password may have signed in from a browser.
            c.execute(
                "DELETE FROM known_clients WHERE user_id = (SELECT id FROM users WHERE username = $1)",
                &[&username],
            )?;
            if revoke_devices {
                c.execute(
                    "UPDATE devices SET revoked_at = $2
                     WHERE revoked_at IS NULL AND user_id = (SELECT id FROM users WHERE username = $1)",
                    &[&username, &now_ms()],
                )?;
            }
            Ok(n == 1)
        })
    }

    fn list_users(&self, scope: &Scope) -> StoreResult<Vec<User>> {
        let scope = scope.clone();
        self.read(move |c| {
            let sql = format!(
                "SELECT {USER_COLS} FROM users WHERE ($1 = '' OR province = $1) AND ($2 = '' OR city = $2)
                 AND ($3 = '' OR county = $3) ORDER BY username"
            );
            c.query(&sql, &[&scope.province, &scope.city, &scope.county])?.iter().map(user_from_row).collect()
        })
    }

    fn create_device(&self, d: NewDevice<'_>, now: i64) -> StoreResult<Device> {
        let (user_id, name, token_hash, actors) = (d.user_id, d.name.to_owned(), *d.token_hash, d.actors.to_vec());
        let public_key = d.public_key.copied();
        self.write(move |c| {
            let key = public_key.as_ref().map(<[u8; 32]>::as_slice);
            let row = c.query_one(
                "INSERT INTO devices (user_id, name, token_hash, created_at, public_key) VALUES ($1, $2, $3, $4, $5)
                 RETURNING id",
                &[&user_id, &name, &token_hash.as_slice(), &now, &key],
            )?;
            let id: i64 = get(&row, 0)?;
            for a in &actors {
                c.execute("INSERT INTO device_actors (actor, device_id) VALUES ($1, $2)", &[&a.to_bytes(), &id])?;
            }
            Ok(Device { id, user_id, name, created_at: now, revoked: false, actors, public_key })
        })
    }

    fn device_by_token(&self, token_hash: &[u8; 32]) -> StoreResult<Option<(Device, User)>> {
        let token_hash = *token_hash;
        self.read(move |c| {
            let sql = format!("SELECT {DEVICE_COLS} FROM devices WHERE token_hash = $1 AND revoked_at IS NULL");
            let Some(row) = c.query_opt(&sql, &[&token_hash.as_slice()])? else { return Ok(None) };
            let device = device_from_row(c, &row)?;
            let sql = format!("SELECT {USER_COLS} FROM users WHERE id = $1");
            let user = user_from_row(&c.query_one(&sql, &[&device.user_id])?)?;
            Ok(Some((device, user)))
        })
    }

    fn device(&self, id: i64) -> StoreResult<Option<Device>> {
        self.read(move |c| {
            let sql = format!("SELECT {DEVICE_COLS} FROM devices WHERE id = $1");
            match c.query_opt(&sql, &[&id])? {
                Some(row) => Ok(Some(device_from_row(c, &row)?)),
                None => Ok(None),
            }
        })
    }

    fn device_with_owner(&self, id: i64) -> StoreResult<Option<(Device, String)>> {
        self.read(move |c| {
            let sql = "SELECT d.id, d.user_id, d.name, d.created_at, d.revoked_at, d.public_key, u.username
                       FROM devices d JOIN users u ON u.id = d.user_id WHERE d.id = $1";
            match c.query_opt(sql, &[&id])? {
                Some(row) => Ok(Some((device_from_row(c, &row)?, get(&row, 6)?))),
                None => Ok(None),
            }
        })
    }

    fn device_of_actor(&self, actor: &ActorId) -> StoreResult<Option<(Device, String)>> {
        let actor = actor.to_bytes().to_vec();
        let id: Option<i64> = self.read(move |c| {
            c.query_opt("SELECT device_id FROM device_actors WHERE actor = $1", &[&actor])?
                .map(|r| get(&r, 0))
                .transpose()
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
                "INSERT INTO server_identity (id, signing_key, created_at) VALUES (1, $1, $2) ON CONFLICT (id) DO NOTHING",
                &[&fresh.as_slice(), &now],
            )?;
            let key: Vec<u8> = get(&c.query_one("SELECT signing_key FROM server_identity WHERE id = 1", &[])?, 0)?;
            key.try_into().map_err(|_| StoreError::Backend("the server's signing key is not 32 bytes".into()))
        })
    }

    fn devices_of(&self, user_id: i64) -> StoreResult<Vec<Device>> {
        self.read(move |c| {
            let sql = format!("SELECT {DEVICE_COLS} FROM devices WHERE user_id = $1 ORDER BY id");
            let rows = c.query(&sql, &[&user_id])?;
            rows.iter().map(|row| device_from_row(c, row)).collect()
        })
    }

    fn revoke_device(&self, id: i64, now: i64) -> StoreResult<bool> {
        self.write(move |c| {
            Ok(c.execute("UPDATE devices SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL", &[&id, &now])? == 1)
        })
    }

    fn create_session(&self, user_id: i64, token_hash: &[u8; 32], expires_at: i64) -> StoreResult<()> {
        let token_hash = *token_hash;
        self.write(move |c| {
            c.execute(
                "INSERT INTO sessions (token_hash, user_id, expires_at) VALUES ($1, $2, $3)",
                &[&token_hash.as_slice(), &user_id, &expires_at],
            )?;
            c.execute("DELETE FROM sessions WHERE expires_at < $1", &[&(expires_at - 30 * 86_400_000)])?;
            Ok(())
        })
    }

    fn session_user(&self, token_hash: &[u8; 32], now: i64) -> StoreResult<Option<User>> {
        let token_hash = *token_hash;
        self.read(move |c| {
            let sql = format!(
                "SELECT {USER_COLS} FROM users
                 WHERE id = (SELECT user_id FROM sessions WHERE token_hash = $1 AND expires_at > $2)"
            );
            c.query_opt(&sql, &[&token_hash.as_slice(), &now])?.map(|r| user_from_row(&r)).transpose()
        })
    }

    fn delete_session(&self, token_hash: &[u8; 32]) -> StoreResult<()> {
        let token_hash = *token_hash;
        self.write(move |c| {
            c.execute("DELETE FROM sessions WHERE token_hash = $1", &[&token_hash.as_slice()])?;
            Ok(())
        })
    }

    fn remember_client(&self, user_id: i64, token_hash: &[u8; 32], now: i64) -> StoreResult<()> {
        let token_hash = *token_hash;
        self.write(move |c| {
            c.execute(
                "INSERT INTO known_clients (token_hash, user_id, created_at, last_used_at) VALUES ($1, $2, $3, $3)
                 ON CONFLICT (token_hash) DO UPDATE SET last_used_at = $3 WHERE known_clients.user_id = $2",
                &[&token_hash.as_slice(), &user_id, &now],
            )?;
            c.execute(
                "DELETE FROM known_clients WHERE user_id = $1 AND token_hash NOT IN
                 (SELECT token_hash FROM known_clients WHERE user_id = $1 ORDER BY last_used_at DESC LIMIT 20)",
                &[&user_id],
            )?;
            Ok(())
        })
    }

    fn known_client(&self, token_hash: &[u8; 32]) -> StoreResult<Option<i64>> {
        let token_hash = *token_hash;
        self.read(move |c| {
            c.query_opt("SELECT user_id FROM known_clients WHERE token_hash = $1", &[&token_hash.as_slice()])?
                .map(|r| get(&r, 0))
                .transpose()
        })
    }
}
