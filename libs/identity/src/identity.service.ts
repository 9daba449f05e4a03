import { Injectable } from '@nestjs/common';
import { PreparedStatement } from '../../database/src/prepared-statement.js';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In, type EntityManager } from 'typeorm';
import { DomainError } from '../../core/src/domain-error.js';
import type { Page, PageRequest } from '../../core/src/pagination.js';
import { appendAudit } from '../../database/src/audit.js';
import {
  OrganizationEntity,
  RegionEntity,
  UserEntity,
  type OrganizationKind,
  type Role,
} from '../../database/src/entities/identity.entity.js';
import { paginate } from '../../database/src/paginate.js';
import { coordinates, requireActor, requireRole, type Actor } from './actor.js';
import { LoginThrottle } from './login-throttle.js';
import { hashPassword, verifyPassword } from './password.js';
import { TokenService } from './token.service.js';

/** Which organisation kind each role acts for. */
const ROLE_ORGANIZATION_KIND: Record<Role, OrganizationKind | null> = {
  KITCHEN_MANAGER: 'KITCHEN',
  COOPERATIVE_OPERATOR: 'COOPERATIVE',
  CITY_COORDINATOR: 'CITY_OFFICE',
  TRADE_CENTER_OFFICER: 'TRADE_CENTER',
  ADMIN: null,
};

export interface RegisterOrganizationInput {
  name: string;
  kind: OrganizationKind;
  regionCode: string;
  latitude?: number | null;
  longitude?: number | null;
}

/** Who a request's token belongs to, read fresh from the database for every request. */
export interface Session {
  actor: Actor;
  /** The actor's organisation is suspended: it may read and sign in, never change anything. */
  organizationSuspended: boolean;
}

export interface CreateUserInput {
  email: string;
  name: string;
  role: Role;
  organizationId: string;
  password: string;
}

// A fixed hash to compare against when the e-mail is unknown, so timing does not reveal accounts.
const UNKNOWN_USER_HASH =
  'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';

const AUTHENTICATE_SQL = new PreparedStatement(
  'pgz_authenticate_v1',
  `SELECT u.role, u.organization_id, u.token_version, u.deactivated_at,
              o.kind, o.region_code, COALESCE(o.suspended, false) AS suspended
         FROM app_user u LEFT JOIN organization o ON o.id = u.organization_id
        WHERE u.id = $1`,
);

@Injectable()
export class IdentityService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly tokens: TokenService,
    private readonly throttle: LoginThrottle,
  ) {}

  /** `clientAddress` is the caller's IP: failed attempts are throttled per account and address. */
  async login(
    email: string,
    password: string,
    clientAddress: string,
  ): Promise<{ accessToken: string; user: UserEntity }> {
    const normalised = email.trim().toLowerCase();
    await this.throttle.check(normalised, clientAddress);
    const user = await this.dataSource.getRepository(UserEntity).findOneBy({ email: normalised });
    const ok = await verifyPassword(password, user?.passwordHash ?? UNKNOWN_USER_HASH);
    if (!user || !ok) {
      await this.throttle.recordFailure(normalised, clientAddress);
      throw new DomainError('UNAUTHENTICATED', {
        en: 'E-mail or password is wrong',
        id: 'E-mail atau kata sandi salah',
      });
    }
    await this.throttle.recordSuccess(normalised, clientAddress);
    if (user.deactivatedAt) {
      throw new DomainError('UNAUTHENTICATED', {
        en: 'This account is deactivated; ask your city coordinator',
        id: 'Akun ini dinonaktifkan; hubungi koordinator kota Anda',
      });
    }
    return { accessToken: this.tokens.sign(user.id, user.tokenVersion), user };
  }

  /**
   * The session behind an access token, or null when the token is not ours, has expired, was
   * revoked (its version is older than the user's) or its user is deactivated. One primary-key
   * read per signed-in request: role, organisation and suspension are always current.
   */
  async authenticate(token: string): Promise<Session | null> {
    const claims = this.tokens.verify(token);
    if (!claims) return null;
    const [row] = (await AUTHENTICATE_SQL.run(this.dataSource, [claims.userId])) as {
      role: Role;
      organization_id: string | null;
      token_version: number;
      deactivated_at: Date | null;
      kind: OrganizationKind | null;
      region_code: string | null;
      suspended: boolean;
    }[];
    if (!row || row.deactivated_at || row.token_version !== claims.tokenVersion) return null;
    return {
      actor: {
        userId: claims.userId,
        role: row.role,
        organizationId: row.organization_id,
        organizationKind: row.kind,
        regionCode: row.region_code,
      },
      organizationSuspended: row.suspended,
    };
  }

  /** Sets a new password and revokes every token; the answer carries a fresh one. */
  async changePassword(
    actor: Actor | null,
    currentPassword: string,
    newPassword: string,
  ): Promise<{ accessToken: string; user: UserEntity }> {
    const signedIn = requireActor(actor);
    checkPassword(newPassword, 'newPassword');
    const user = await this.dataSource.getRepository(UserEntity).findOneBy({ id: signedIn.userId });
    if (!user) throw DomainError.unauthenticated();
    if (!(await verifyPassword(currentPassword, user.passwordHash))) {
      throw DomainError.badInput('The current password is wrong', 'Kata sandi saat ini salah', {
        field: 'currentPassword',
      });
    }
    const passwordHash = await hashPassword(newPassword);
    const updated = await this.dataSource.transaction(async (manager) => {
      const changed = await this.bumpTokenVersion(manager, user.id, { passwordHash });
      await appendAudit(manager, {
        actorUserId: signedIn.userId,
        action: 'user.password_changed',
        entityType: 'User',
        entityId: user.id,
        regionCode: signedIn.regionCode ?? '',
      });
      return changed;
    });
    return { accessToken: this.tokens.sign(updated.id, updated.tokenVersion), user: updated };
  }

  /** A coordinator (or the admin) sets a new password for a user of its region; old tokens die. */
  async resetUserPassword(actor: Actor | null, userId: string, newPassword: string): Promise<UserEntity> {
    checkPassword(newPassword, 'newPassword');
    const { signedIn, user, regionCode } = await this.managedUser(actor, userId);
    const passwordHash = await hashPassword(newPassword);
    return this.dataSource.transaction(async (manager) => {
      const changed = await this.bumpTokenVersion(manager, user.id, { passwordHash });
      await appendAudit(manager, {
        actorUserId: signedIn.userId,
        action: 'user.password_reset',
        entityType: 'User',
        entityId: user.id,
        regionCode,
      });
      return changed;
    });
  }

  /** No login, and every token of the user stops working at once. Deactivating twice is CONFLICT. */
  async deactivateUser(actor: Actor | null, userId: string): Promise<UserEntity> {
    const { signedIn, user, regionCode } = await this.managedUser(actor, userId);
    if (user.id === signedIn.userId) {
      throw DomainError.badInput(
        'You cannot deactivate yourself',
        'Anda tidak dapat menonaktifkan diri sendiri',
      );
    }
    return this.dataSource.transaction(async (manager) => {
      const [, affected] = (await manager.query(
        `UPDATE app_user SET deactivated_at = now(), token_version = token_version + 1
          WHERE id = $1 AND deactivated_at IS NULL`,
        [user.id],
      )) as [unknown, number];
      if (affected !== 1) {
        throw DomainError.conflict('The user is already deactivated', 'Pengguna sudah dinonaktifkan');
      }
      await appendAudit(manager, {
        actorUserId: signedIn.userId,
        action: 'user.deactivated',
        entityType: 'User',
        entityId: user.id,
        regionCode,
      });
      return manager.getRepository(UserEntity).findOneByOrFail({ id: user.id });
    });
  }

  async reactivateUser(actor: Actor | null, userId: string): Promise<UserEntity> {
    const { signedIn, user, regionCode } = await this.managedUser(actor, userId);
    return this.dataSource.transaction(async (manager) => {
      const [, affected] = (await manager.query(
        `UPDATE app_user SET deactivated_at = NULL WHERE id = $1 AND deactivated_at IS NOT NULL`,
        [user.id],
      )) as [unknown, number];
      if (affected !== 1) {
        throw DomainError.conflict('The user is active already', 'Pengguna sudah aktif');
      }
      await appendAudit(manager, {
        actorUserId: signedIn.userId,
        action: 'user.reactivated',
        entityType: 'User',
        entityId: user.id,
        regionCode,
      });
      return manager.getRepository(UserEntity).findOneByOrFail({ id: user.id });
    });
  }

  /** The admin manages everyone; a coordinator the users of organisations in its region, not admins. */
  private async managedUser(
    actor: Actor | null,
    userId: string,
  ): Promise<{ signedIn: Actor; user: UserEntity; regionCode: string }> {
    const signedIn = requireRole(actor, 'ADMIN', 'CITY_COORDINATOR');
    const user = await this.dataSource
      .getRepository(UserEntity)
      .findOne({ where: { id: userId }, relations: { organization: true } });
    if (!user) throw DomainError.notFound('User', 'Pengguna', { field: 'userId' });
    const regionCode = user.organization?.regionCode ?? null;
    if (
      signedIn.role !== 'ADMIN' &&
      (user.role === 'ADMIN' || !regionCode || !coordinates(signedIn, regionCode))
    ) {
      throw DomainError.forbidden(
        'A coordinator manages only the users of organisations in its region',
        'Koordinator hanya dapat mengelola pengguna organisasi di wilayahnya',
      );
    }
    return { signedIn, user, regionCode: regionCode ?? '' };
  }

  private async bumpTokenVersion(
    manager: EntityManager,
    userId: string,
    change: { passwordHash: string },
  ): Promise<UserEntity> {
    await manager.query(
      `UPDATE app_user SET password_hash = $2, token_version = token_version + 1 WHERE id = $1`,
      [userId, change.passwordHash],
    );
    return manager.getRepository(UserEntity).findOneByOrFail({ id: userId });
  }

  async me(actor: Actor | null): Promise<UserEntity> {
    const signedIn = requireActor(actor);
    const user = await this.dataSource.getRepository(UserEntity).findOneBy({ id: signedIn.userId });
    if (!user) throw DomainError.unauthenticated();
    return user;
  }

  /**
   * The signed-in user's notification profile: the language of their messages ('id' or 'en')
   * and an E.164 mobile number for WhatsApp/SMS (empty string: none). Omitted fields stay.
   */
  async updateMyProfile(
    actor: Actor | null,
    change: { language?: string | null; phone?: string | null },
  ): Promise<UserEntity> {
    const signedIn = requireActor(actor);
    const update: Partial<Pick<UserEntity, 'language' | 'phone'>> = {};
    if (change.language !== undefined && change.language !== null) {
      if (change.language !== 'id' && change.language !== 'en')
        throw DomainError.badInput("language must be 'id' or 'en'", "language harus 'id' atau 'en'", {
          field: 'language',
        });
      update.language = change.language;
    }
    if (change.phone !== undefined && change.phone !== null) {
      const phone = change.phone.trim();
      if (phone !== '' && !/^\+[1-9][0-9]{7,14}$/.test(phone))
        throw DomainError.badInput(
          'phone must be in E.164 form, e.g. +6281234567890',
          'phone harus berformat E.164, mis. +6281234567890',
          { field: 'phone' },
        );
      update.phone = phone === '' ? null : phone;
    }
    if (Object.keys(update).length > 0)
      await this.dataSource.getRepository(UserEntity).update({ id: signedIn.userId }, update);
    return this.me(signedIn);
  }

  /** The public directory: names, kinds, regions and locations are public by design. */
  async organizations(
    actor: Actor | null,
    filter: { kind?: OrganizationKind | null; regionCode?: string | null },
    page: PageRequest,
  ): Promise<Page<OrganizationEntity>> {
    requireActor(actor);
    const query = this.dataSource.getRepository(OrganizationEntity).createQueryBuilder('org');
    if (filter.kind) query.andWhere('org.kind = :kind', { kind: filter.kind });
    if (filter.regionCode) {
      query.andWhere('(org.region_code = :region OR org.region_code LIKE :regionPrefix)', {
        region: filter.regionCode,
        regionPrefix: `${filter.regionCode}.%`,
      });
    }
    return paginate(query, { column: 'org.created_at', id: 'org.id', direction: 'DESC' }, page);
  }

  async organizationsByIds(ids: readonly string[]): Promise<OrganizationEntity[]> {
    return this.dataSource.getRepository(OrganizationEntity).findBy({ id: In([...ids]) });
  }

  async usersByIds(ids: readonly string[]): Promise<UserEntity[]> {
    return this.dataSource.getRepository(UserEntity).findBy({ id: In([...ids]) });
  }

  async registerOrganization(
    actor: Actor | null,
    input: RegisterOrganizationInput,
  ): Promise<OrganizationEntity> {
    const signedIn = requireRole(actor, 'ADMIN', 'CITY_COORDINATOR');
    const name = input.name.trim();
    if (name.length < 3 || name.length > 200) {
      throw DomainError.badInput('name must be 3 to 200 characters', 'nama harus 3 sampai 200 karakter', {
        field: 'name',
      });
    }
    const region = await this.dataSource.getRepository(RegionEntity).findOneBy({ code: input.regionCode });
    if (!region) {
      throw DomainError.badInput(
        `Unknown region code ${input.regionCode}`,
        `Kode wilayah ${input.regionCode} tidak dikenal`,
        { field: 'regionCode' },
      );
    }
    if (!coordinates(signedIn, input.regionCode)) {
      throw DomainError.forbidden(
        `A coordinator registers organisations only inside ${signedIn.regionCode}`,
        `Koordinator hanya dapat mendaftarkan organisasi di wilayah ${signedIn.regionCode}`,
      );
    }
    validateCoordinates(input.latitude, input.longitude);
    return this.dataSource.transaction(async (manager) => {
      const organization = await manager.save(
        manager.create(OrganizationEntity, {
          name,
          kind: input.kind,
          regionCode: input.regionCode,
          latitude: input.latitude ?? null,
          longitude: input.longitude ?? null,
          suspended: false,
          suspendedReason: null,
          seedKey: null,
          attributes: {},
        }),
      );
      await appendAudit(manager, {
        actorUserId: signedIn.userId,
        action: 'organization.registered',
        entityType: 'Organization',
        entityId: organization.id,
        regionCode: organization.regionCode,
        after: { name, kind: input.kind, regionCode: input.regionCode },
      });
      return organization;
    });
  }

  async createUser(actor: Actor | null, input: CreateUserInput): Promise<UserEntity> {
    const signedIn = requireRole(actor, 'ADMIN', 'CITY_COORDINATOR');
    const email = input.email.trim().toLowerCase();
    if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email) || email.length > 200) {
      throw DomainError.badInput(
        'email is not a valid e-mail address',
        'email bukan alamat e-mail yang valid',
        {
          field: 'email',
        },
      );
    }
    checkPassword(input.password, 'password');
    const name = input.name.trim();
    if (name.length < 1 || name.length > 200) {
      throw DomainError.badInput('name must be 1 to 200 characters', 'nama harus 1 sampai 200 karakter', {
        field: 'name',
      });
    }
    if (input.role === 'ADMIN' && signedIn.role !== 'ADMIN') {
      throw DomainError.forbidden(
        'Only an administrator creates administrators',
        'Hanya admin yang dapat membuat admin',
      );
    }
    const organization = await this.dataSource
      .getRepository(OrganizationEntity)
      .findOneBy({ id: input.organizationId });
    if (!organization) throw DomainError.notFound('Organisation', 'Organisasi', { field: 'organizationId' });
    if (!coordinates(signedIn, organization.regionCode)) {
      throw DomainError.forbidden(
        'A coordinator creates users only for organisations in its region',
        'Koordinator hanya dapat membuat pengguna untuk organisasi di wilayahnya',
      );
    }
    const expectedKind = ROLE_ORGANIZATION_KIND[input.role];
    if (expectedKind && organization.kind !== expectedKind) {
      throw DomainError.badInput(
        `Role ${input.role} belongs to a ${expectedKind} organisation, not a ${organization.kind}`,
        `Peran ${input.role} harus untuk organisasi ${expectedKind}, bukan ${organization.kind}`,
        { field: 'role' },
      );
    }
    const passwordHash = await hashPassword(input.password);
    return this.dataSource.transaction(async (manager) => {
      const existing = await manager.getRepository(UserEntity).findOneBy({ email });
      if (existing) {
        throw DomainError.conflict(
          `A user with e-mail ${email} exists already`,
          `Pengguna dengan e-mail ${email} sudah ada`,
        );
      }
      const user = await manager.save(
        manager.create(UserEntity, {
          email,
          name,
          role: input.role,
          organizationId: organization.id,
          passwordHash,
        }),
      );
      await appendAudit(manager, {
        actorUserId: signedIn.userId,
        action: 'user.created',
        entityType: 'User',
        entityId: user.id,
        regionCode: organization.regionCode,
        after: { email, role: input.role, organizationId: organization.id },
      });
      return user;
    });
  }
}

function checkPassword(password: string, field: string): void {
  if (password.length < 8 || password.length > 200) {
    throw DomainError.badInput(
      `${field} must be 8 to 200 characters`,
      `kata sandi harus 8 sampai 200 karakter`,
      { field },
    );
  }
}

function validateCoordinates(latitude?: number | null, longitude?: number | null): void {
  if ((latitude === null || latitude === undefined) !== (longitude === null || longitude === undefined)) {
    throw DomainError.badInput(
      'latitude and longitude go together',
      'latitude dan longitude harus diisi bersama',
      { field: 'latitude' },
    );
  }
  if (latitude !== null && latitude !== undefined && (latitude < -90 || latitude > 90)) {
    throw DomainError.badInput('latitude must be between -90 and 90', 'latitude harus antara -90 dan 90', {
      field: 'latitude',
    });
  }
  if (longitude !== null && longitude !== undefined && (longitude < -180 || longitude > 180)) {
    throw DomainError.badInput(
      'longitude must be between -180 and 180',
      'longitude harus antara -180 dan 180',
      {
        field: 'longitude',
      },
    );
  }
}
