import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { DomainError } from '../../core/src/domain-error.js';
import { regionContains } from '../../core/src/region-code.js';
import { PhotoEntity } from '../../database/src/entities/files.entity.js';
import { OrganizationEntity } from '../../database/src/entities/identity.entity.js';
import { requireActor, requireOrganization, type Actor } from '../../identity/src/actor.js';

export const MAX_PHOTO_BYTES = 5 * 1024 * 1024;

/** What the first bytes of each accepted image type look like (the declared type is not trusted). */
const SIGNATURES: { type: string; matches: (bytes: Buffer) => boolean }[] = [
  { type: 'image/jpeg', matches: (b) => b.length > 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff },
  {
    type: 'image/png',
    matches: (b) =>
      b.length > 8 && b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])),
  },
  {
    type: 'image/webp',
    matches: (b) =>
      b.length > 12 && b.toString('latin1', 0, 4) === 'RIFF' && b.toString('latin1', 8, 12) === 'WEBP',
  },
];

export function photoUrl(id: string): string {
  return `/uploads/photos/${id}`;
}

/**
 * Inspection photos taken with a kitchen's phone, stored in Postgres (bytea): a receipt keeps
 * its evidence even when nobody runs an object store. Who may see one: the uploader's
 * organisation, the other party of an order whose inspection points at it, and coordinators
 * of the region.
 */
@Injectable()
export class PhotoService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async store(actor: Actor | null, bytes: Buffer | undefined): Promise<{ id: string; url: string }> {
    const signedIn = requireActor(actor);
    const organizationId = requireOrganization(signedIn);
    if (!bytes || bytes.length === 0) {
      throw DomainError.badInput('The photo is empty', 'Foto kosong', { field: 'photoUrl' });
    }
    if (bytes.length > MAX_PHOTO_BYTES) {
      throw DomainError.badInput('The photo is larger than 5 MB', 'Foto lebih besar dari 5 MB', {
        field: 'photoUrl',
      });
    }
    const kind = SIGNATURES.find((signature) => signature.matches(bytes));
    if (!kind) {
      throw DomainError.badInput(
        'Only JPEG, PNG or WebP photos are accepted',
        'Hanya foto JPEG, PNG atau WebP yang diterima',
        { field: 'photoUrl' },
      );
    }
    const organization = await this.dataSource
      .getRepository(OrganizationEntity)
      .findOneByOrFail({ id: organizationId });
    const saved = await this.dataSource.getRepository(PhotoEntity).save({
      organizationId,
      regionCode: organization.regionCode,
      uploadedBy: signedIn.userId,
      contentType: kind.type,
      byteSize: bytes.length,
      bytes,
    });
    return { id: saved.id, url: photoUrl(saved.id) };
  }

  async read(actor: Actor | null, id: string): Promise<{ contentType: string; bytes: Buffer }> {
    const signedIn = requireActor(actor);
    if (!/^[0-9a-f-]{36}$/i.test(id)) throw DomainError.notFound('Photo', 'Foto');
    const photo = await this.dataSource.getRepository(PhotoEntity).findOneBy({ id });
    if (!photo) throw DomainError.notFound('Photo', 'Foto');
    if (!(await this.maySee(signedIn, photo))) throw DomainError.notFound('Photo', 'Foto');
    return { contentType: photo.contentType, bytes: photo.bytes };
  }

  private async maySee(actor: Actor, photo: PhotoEntity): Promise<boolean> {
    if (actor.role === 'ADMIN') return true;
    if (actor.role === 'CITY_COORDINATOR')
      return actor.regionCode !== null && regionContains(actor.regionCode, photo.regionCode);
    if (!actor.organizationId) return false;
    if (actor.organizationId === photo.organizationId) return true;
    const rows: unknown[] = await this.dataSource.query(
      `SELECT 1 FROM purchase_order WHERE photo_url = $1 AND (kitchen_id = $2 OR cooperative_id = $2) LIMIT 1`,
      [photoUrl(photo.id), actor.organizationId],
    );
    return rows.length > 0;
  }
}
