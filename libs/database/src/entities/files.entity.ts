import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** A photo taken at inspection (owned by libs/files): the bytes themselves, not just a URL. */
@Entity('photo')
@Index(['organizationId', 'createdAt'])
export class PhotoEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /** The organisation of the user who uploaded it. */
  @Column({ type: 'uuid' })
  organizationId: string;

  /** Its region, for coordinators' access. */
  @Column({ type: 'varchar', length: 20 })
  regionCode: string;

  @Column({ type: 'uuid' })
  uploadedBy: string;

  @Column({ type: 'varchar', length: 40 })
  contentType: string;

  @Column({ type: 'integer' })
  byteSize: number;

  @Column({ type: 'bytea' })
  bytes: Buffer;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}
