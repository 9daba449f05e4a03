import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In, type EntityManager } from 'typeorm';
import { DomainError } from '../../core/src/domain-error.js';
import { QUALITY_GRADES, type QualityGrade } from '../../core/src/grade.js';
import type { Page, PageRequest } from '../../core/src/pagination.js';
import { quantityToMilli, type Milli } from '../../core/src/quantity.js';
import { marketCodeOf, regionContains } from '../../core/src/region-code.js';
import { lineAmount, parseRupiah, type Rupiah } from '../../core/src/rupiah.js';
import { instantToLocalDate, requireLocalDate } from '../../core/src/time.js';
import { appendAudit, type AuditRecord } from '../../database/src/audit.js';
import { CommodityEntity } from '../../database/src/entities/catalog.entity.js';
import { OrganizationEntity } from '../../database/src/entities/identity.entity.js';
import { StockLotEntity } from '../../database/src/entities/market.entity.js';
import { AlertEntity } from '../../database/src/entities/settlement.entity.js';
import {
  TradeAllotmentEntity,
  TradeContractEntity,
  TradeLevyEntryEntity,
  TradePledgeEntity,
  TradeShipmentEntity,
  type PledgeStatus,
  type TradeContractStatus,
} from '../../database/src/entities/trade.entity.js';
import { lockRow } from '../../database/src/lock-row.js';
import { paginate } from '../../database/src/paginate.js';
import {
  coordinates,
  requireActor,
  requireOrganization,
  requireRole,
  type Actor,
} from '../../identity/src/actor.js';
import { enqueueInTransaction } from '../../jobs/src/outbox.js';
import { JOB_ALLOT_SHIPMENT, jobIds } from '../../jobs/src/job-types.js';
import { StockLedgerService } from '../../market/src/stock-ledger.service.js';
import { SettlementService } from '../../settlement/src/settlement.service.js';
import { allotFairShares, type FairSharePledge } from './fair-share.js';
import {
  allotmentLifecycle,
  contractLifecycle,
  pledgeLifecycle,
  shipmentLifecycle,
} from './trade-lifecycle.js';
import { recordAlertEvents, recordNotificationEvent } from '../../notify/src/notification-events.js';

const PPM = 1_000_000n;
const MAX_SHIPMENTS = 100;
const MAX_REFERENCE_LENGTH = 120;
const TIME_ZONE = 'Asia/Jakarta';

export interface ShipmentInputData {
  quantity: number;
  pledgesCloseAt: Date;
  consolidateBy: Date;
}

export interface TradeContractInputData {
  buyerName: string;
  destination: string;
  commodityCode: string;
  minGrade: string;
  unitPrice: bigint;
  levyRate: number;
  shipments: ShipmentInputData[];
  maxSharePerCooperative?: number | null;
}

export interface TradeReceipt {
  allotmentId: string;
  acceptedQuantity: number;
  rejectedQuantity: number;
  rejectionReason?: string | null;
}

export interface LevyLine {
  acceptedMilli: Milli;
  gross: Rupiah;
  levy: Rupiah;
  net: Rupiah;
}

export interface LevyReport {
  regionCode: string;
  from: string;
  to: string;
  total: Rupiah;
  byContract: (LevyLine & { contractId: string })[];
  byCooperative: (LevyLine & { cooperativeId: string })[];
}

export interface AllotOutcome {
  shipmentId: string;
  allotted: boolean;
  allottedMilli?: Milli;
}

/**
 * The levy on one allotment: levyRate x gross, rounded half up to whole rupiah (per allotment,
 * so a contract's or a cooperative's levy is the sum of its allotments' and gross = levy + net
 * always holds exactly).
 */
export function levyOf(gross: Rupiah, levyRatePpm: number): { levy: Rupiah; net: Rupiah } {
  const levy = (gross * BigInt(levyRatePpm) + PPM / 2n) / PPM;
  return { levy, net: gross - levy };
}

/** A rate in [0, 1) (or (0, 1] for a cap) with at most six decimals, as parts per million. */
function rateToPpm(value: number, field: string, allowZero: boolean, allowOne: boolean): number {
  const ppm = Math.round(value * 1_000_000);
  const ok =
    Number.isFinite(value) &&
    Math.abs(ppm - value * 1_000_000) < 1e-6 &&
    (allowZero ? ppm >= 0 : ppm > 0) &&
    (allowOne ? ppm <= 1_000_000 : ppm < 1_000_000);
  if (!ok) {
    throw DomainError.badInput(
      `${field} must be ${allowZero ? 'at least 0' : 'more than 0'} and ${allowOne ? 'at most 1' : 'below 1'}, with at most six decimals`,
      `${field} harus ${allowZero ? 'minimal 0' : 'lebih dari 0'} dan ${allowOne ? 'paling besar 1' : 'kurang dari 1'}, paling banyak enam desimal`,
      { field },
    );
  }
  return ppm;
}

function text(value: string, field: string, max: number): string {
  const trimmed = (value ?? '').trim();
  if (trimmed.length === 0 || trimmed.length > max) {
    throw DomainError.badInput(
      `${field} must be 1 to ${max} characters`,
      `${field} harus 1 sampai ${max} karakter`,
      { field },
    );
  }
  return trimmed;
}

@Injectable()
export class TradeService {
  private readonly logger = new Logger(TradeService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly ledger: StockLedgerService,
    private readonly settlement: SettlementService,
  ) {}

  // ------------------------------------------------------------------------------------------
  // Who may do what

  /** A Trade Center officer acts for its Trade Center, in the regency it sits in. */
  private async requireOfficer(
    actor: Actor | null,
    tx: EntityManager = this.dataSource.manager,
  ): Promise<{ officer: Actor; tradeCenterId: string; regionCode: string }> {
    const officer = requireRole(actor, 'TRADE_CENTER_OFFICER');
    const tradeCenterId = requireOrganization(officer);
    const organization = await tx.findOneBy(OrganizationEntity, { id: tradeCenterId });
    if (!organization || organization.kind !== 'TRADE_CENTER') {
      throw DomainError.forbidden(
        'Your account is not linked to a Trade Center',
        'Akun Anda tidak terhubung dengan Trade Center',
      );
    }
    return { officer, tradeCenterId, regionCode: marketCodeOf(organization.regionCode) };
  }

  private requireOwnContract(tradeCenterId: string, contract: TradeContractEntity | null, id: string) {
    if (!contract || contract.tradeCenterId !== tradeCenterId)
      throw DomainError.notFound('Trade contract', 'Kontrak dagang', { id });
    return contract;
  }

  /** Officers of the Trade Center, coordinators of the region and its cooperatives see a contract. */
  canSeeContract(actor: Actor, contract: TradeContractEntity): boolean {
    if (coordinates(actor, contract.regionCode)) return true;
    if (actor.role === 'TRADE_CENTER_OFFICER') return actor.organizationId === contract.tradeCenterId;
    if (actor.role === 'COOPERATIVE_OPERATOR')
      return actor.regionCode !== null && regionContains(contract.regionCode, actor.regionCode);
    return false;
  }

  /** Pledges and allotments: officers and coordinators see all of a visible contract's; a cooperative its own. */
  visibleShares<T extends { cooperativeId: string }>(
    actor: Actor | null,
    contract: TradeContractEntity,
    rows: T[],
  ): T[] {
    if (!actor || !this.canSeeContract(actor, contract)) return [];
    if (actor.role === 'COOPERATIVE_OPERATOR')
      return rows.filter((row) => row.cooperativeId === actor.organizationId);
    return rows;
  }

  // ------------------------------------------------------------------------------------------
  // Contracts

  async createContract(actor: Actor | null, input: TradeContractInputData): Promise<TradeContractEntity> {
    const { officer, tradeCenterId, regionCode } = await this.requireOfficer(actor);
    const buyerName = text(input.buyerName, 'buyerName', 200);
    const destination = text(input.destination, 'destination', 300);
    if (!QUALITY_GRADES.includes(input.minGrade as QualityGrade))
      throw DomainError.badInput('minGrade must be A, B or C', 'minGrade harus A, B atau C', {
        field: 'minGrade',
      });
    const unitPrice = parseRupiah(input.unitPrice, 'unitPrice');
    if (unitPrice === 0n)
      throw DomainError.badInput('unitPrice must be more than zero', 'unitPrice harus lebih dari nol', {
        field: 'unitPrice',
      });
    const levyRatePpm = rateToPpm(input.levyRate, 'levyRate', true, false);
    const maxSharePpm =
      input.maxSharePerCooperative === null || input.maxSharePerCooperative === undefined
        ? null
        : rateToPpm(input.maxSharePerCooperative, 'maxSharePerCooperative', false, true);
    if (input.shipments.length === 0 || input.shipments.length > MAX_SHIPMENTS) {
      throw DomainError.badInput(
        `Give 1 to ${MAX_SHIPMENTS} shipments`,
        `Berikan 1 sampai ${MAX_SHIPMENTS} pengiriman`,
        { field: 'shipments' },
      );
    }
    const now = Date.now();
    const shipments = input.shipments.map((shipment, index) => {
      const quantity = quantityToMilli(shipment.quantity, `shipments[${index}].quantity`);
      if (shipment.pledgesCloseAt.getTime() <= now) {
        throw DomainError.badInput(
          `shipments[${index}].pledgesCloseAt must be in the future`,
          `shipments[${index}].pledgesCloseAt harus di masa depan`,
          { field: 'pledgesCloseAt', index },
        );
      }
      if (shipment.consolidateBy.getTime() <= shipment.pledgesCloseAt.getTime()) {
        throw DomainError.badInput(
          `shipments[${index}].consolidateBy must come after pledgesCloseAt`,
          `shipments[${index}].consolidateBy harus setelah pledgesCloseAt`,
          { field: 'consolidateBy', index },
        );
      }
      return { quantity, pledgesCloseAt: shipment.pledgesCloseAt, consolidateBy: shipment.consolidateBy };
    });
    const totalQuantity = shipments.reduce((sum, s) => sum + s.quantity, 0);
    return this.dataSource.transaction(async (tx) => {
      const commodity = await tx.findOneBy(CommodityEntity, { code: input.commodityCode });
      if (!commodity)
        throw DomainError.badInput(
          `Unknown commodity ${input.commodityCode}`,
          `Komoditas ${input.commodityCode} tidak dikenal`,
          { field: 'commodityCode' },
        );
      const id = crypto.randomUUID();
      const contract = await tx.save(
        tx.create(TradeContractEntity, {
          id,
          number: `BTC-${new Date().getUTCFullYear()}-${id.slice(0, 8).toUpperCase()}`,
          tradeCenterId,
          regionCode,
          buyerName,
          destination,
          commodityCode: commodity.code,
          minGrade: input.minGrade as QualityGrade,
          unitPrice,
          levyRatePpm,
          maxSharePpm,
          totalQuantity,
          status: 'OPEN' as TradeContractStatus,
          cancelReason: null,
          createdBy: officer.userId,
        }),
      );
      const saved = await tx.save(
        shipments.map((s, index) =>
          tx.create(TradeShipmentEntity, {
            contractId: contract.id,
            sequence: index + 1,
            quantity: s.quantity,
            pledgesCloseAt: s.pledgesCloseAt,
            consolidateBy: s.consolidateBy,
            status: 'PLEDGING' as const,
            allottedQuantity: 0,
            acceptedQuantity: 0,
            rounds: 0,
          }),
        ),
      );
      for (const shipment of saved) {
        await enqueueInTransaction(tx, {
          name: JOB_ALLOT_SHIPMENT,
          jobId: jobIds.allotShipment(shipment.id, shipment.pledgesCloseAt),
          payload: { v: 1, shipmentId: shipment.id },
          runAt: shipment.pledgesCloseAt,
          marketCode: regionCode,
        });
      }
      // The regency's cooperatives are told in-app (the region's notices; see tradeNotices),
      // and notified (TRADE_SHIPMENT_OPEN).
      await recordNotificationEvent(tx, 'TRADE_SHIPMENT_OPEN', contract.id);
      await tx.insert(AlertEntity, {
        regionCode,
        kind: 'TRADE_CONTRACT_OPENED',
        entityId: contract.id,
        messageEn: `New Trade Center contract ${contract.number}: ${totalQuantity / 1000} ${commodity.baseUnit} of ${commodity.name} for ${buyerName}, ${destination}; pledge your stock before the shipments close`,
        messageId: `Kontrak Trade Center baru ${contract.number}: ${totalQuantity / 1000} ${commodity.baseUnit} ${commodity.nameId} untuk ${buyerName}, ${destination}; janjikan stok Anda sebelum pengiriman ditutup`,
      });
      await appendAudit(
        tx,
        {
          actorUserId: officer.userId,
          action: 'trade-contract.created',
          entityType: 'TradeContract',
          entityId: contract.id,
          regionCode,
          after: {
            status: 'OPEN',
            number: contract.number,
            unitPrice: unitPrice.toString(),
            levyRatePpm,
            totalQuantity: totalQuantity / 1000,
          },
        },
        ...saved.map((shipment) => ({
          actorUserId: officer.userId,
          action: 'shipment.created',
          entityType: 'Shipment',
          entityId: shipment.id,
          regionCode,
          after: { status: 'PLEDGING', quantity: shipment.quantity / 1000, sequence: shipment.sequence },
        })),
      );
      return contract;
    });
  }

  /** Cancels the contract and its shipments still pledging; allotted shipments are honoured. */
  async cancelContract(actor: Actor | null, id: string, reasonText: string): Promise<TradeContractEntity> {
    const { officer, tradeCenterId } = await this.requireOfficer(actor);
    const reason = text(reasonText, 'reason', 1000);
    return this.dataSource.transaction(async (tx) => {
      const contract = this.requireOwnContract(tradeCenterId, await lockRow(tx, TradeContractEntity, id), id);
      contractLifecycle.assertMove(contract.status, 'CANCELLED');
      const shipments = await tx
        .getRepository(TradeShipmentEntity)
        .createQueryBuilder('s')
        .setLock('pessimistic_write')
        .where('s.contract_id = :id', { id })
        .orderBy('s.id')
        .getMany();
      const audit: AuditRecord[] = [];
      const pledging = shipments.filter((s) => s.status === 'PLEDGING');
      if (pledging.length > 0) {
        await tx.update(TradeShipmentEntity, { id: In(pledging.map((s) => s.id)) }, { status: 'CANCELLED' });
        const withdrawn = await tx.findBy(TradePledgeEntity, {
          shipmentId: In(pledging.map((s) => s.id)),
          status: 'PLEDGED',
        });
        if (withdrawn.length > 0)
          await tx.update(TradePledgeEntity, { id: In(withdrawn.map((p) => p.id)) }, { status: 'WITHDRAWN' });
        for (const s of pledging)
          audit.push({
            actorUserId: officer.userId,
            action: 'shipment.cancelled',
            entityType: 'Shipment',
            entityId: s.id,
            regionCode: contract.regionCode,
            before: { status: s.status },
            after: { status: 'CANCELLED', reason },
          });
        for (const p of withdrawn)
          audit.push({
            actorUserId: officer.userId,
            action: 'pledge.withdrawn',
            entityType: 'Pledge',
            entityId: p.id,
            regionCode: contract.regionCode,
            before: { status: p.status },
            after: { status: 'WITHDRAWN', reason: 'contract cancelled' },
          });
      }
      await tx.update(TradeContractEntity, { id }, { status: 'CANCELLED', cancelReason: reason });
      await appendAudit(tx, ...audit, {
        actorUserId: officer.userId,
        action: 'trade-contract.cancelled',
        entityType: 'TradeContract',
        entityId: id,
        regionCode: contract.regionCode,
        before: { status: contract.status },
        after: { status: 'CANCELLED', reason },
      });
      return { ...contract, status: 'CANCELLED' as TradeContractStatus, cancelReason: reason };
    });
  }

  async contracts(
    actor: Actor | null,
    status: TradeContractStatus | null,
    page: PageRequest,
  ): Promise<Page<TradeContractEntity>> {
    const signedIn = requireActor(actor);
    const query = this.dataSource.getRepository(TradeContractEntity).createQueryBuilder('c');
    if (signedIn.role === 'ADMIN') query.where('TRUE');
    else if (signedIn.role === 'CITY_COORDINATOR' && signedIn.regionCode)
      query.where('(c.region_code = :r OR c.region_code LIKE :p)', {
        r: signedIn.regionCode,
        p: `${signedIn.regionCode}.%`,
      });
    else if (signedIn.role === 'TRADE_CENTER_OFFICER' && signedIn.organizationId)
      query.where('c.trade_center_id = :org', { org: signedIn.organizationId });
    else if (signedIn.role === 'COOPERATIVE_OPERATOR' && signedIn.regionCode)
      query.where('c.region_code = :market', { market: marketCodeOf(signedIn.regionCode) });
    else
      throw DomainError.forbidden(
        'Trade contracts are for the Trade Center, coordinators and cooperatives',
        'Kontrak dagang hanya untuk Trade Center, koordinator dan koperasi',
      );
    if (status) query.andWhere('c.status = :status', { status });
    return paginate(query, { column: 'c.created_at', id: 'c.id', direction: 'DESC' }, page);
  }

  async contract(actor: Actor | null, id: string): Promise<TradeContractEntity> {
    const signedIn = requireActor(actor);
    const contract = await this.dataSource.getRepository(TradeContractEntity).findOneBy({ id });
    if (!contract || !this.canSeeContract(signedIn, contract))
      throw DomainError.notFound('Trade contract', 'Kontrak dagang', { id });
    return contract;
  }

  // ------------------------------------------------------------------------------------------
  // Pledges

  async pledge(
    actor: Actor | null,
    input: { shipmentId: string; stockLotId: string; quantity: number },
  ): Promise<TradePledgeEntity> {
    const operator = requireRole(actor, 'COOPERATIVE_OPERATOR');
    const cooperativeId = requireOrganization(operator);
    const quantity = quantityToMilli(input.quantity, 'quantity');
    return this.dataSource.transaction(async (tx) => {
      // FOR SHARE: pledges run side by side; an allotment (FOR UPDATE) waits for them, and they for it.
      const shipment = await tx
        .getRepository(TradeShipmentEntity)
        .createQueryBuilder('s')
        .setLock('pessimistic_read')
        .where('s.id = :id', { id: input.shipmentId })
        .getOne();
      const contract = shipment ? await tx.findOneBy(TradeContractEntity, { id: shipment.contractId }) : null;
      if (!shipment || !contract || !this.canSeeContract(operator, contract))
        throw DomainError.notFound('Shipment', 'Pengiriman', { id: input.shipmentId });
      if (shipment.status !== 'PLEDGING' || shipment.pledgesCloseAt.getTime() <= Date.now()) {
        throw DomainError.conflict(
          `Pledges for this shipment closed at ${shipment.pledgesCloseAt.toISOString()}`,
          `Janji stok untuk pengiriman ini sudah ditutup pada ${shipment.pledgesCloseAt.toISOString()}`,
          { status: shipment.status },
        );
      }
      const lot = await tx.findOneBy(StockLotEntity, { id: input.stockLotId });
      if (!lot || lot.cooperativeId !== cooperativeId)
        throw DomainError.notFound('Stock lot', 'Lot stok', { id: input.stockLotId });
      this.assertPledgeable(lot, contract, shipment, quantity);
      const pledge = await tx
        .save(
          tx.create(TradePledgeEntity, {
            shipmentId: shipment.id,
            cooperativeId,
            stockLotId: lot.id,
            quantity,
            status: 'PLEDGED' as PledgeStatus,
            invalidReason: null,
            explanationEn: null,
            explanationId: null,
            createdBy: operator.userId,
          }),
        )
        .catch((error: unknown) => {
          if ((error as { driverError?: { code?: string } }).driverError?.code === '23505') {
            throw DomainError.conflict(
              'This lot is already pledged to this shipment: withdraw that pledge to change it',
              'Lot ini sudah dijanjikan untuk pengiriman ini: tarik janji itu untuk mengubahnya',
              { field: 'stockLotId' },
            );
          }
          throw error;
        });
      await appendAudit(tx, {
        actorUserId: operator.userId,
        action: 'pledge.created',
        entityType: 'Pledge',
        entityId: pledge.id,
        regionCode: contract.regionCode,
        after: { status: 'PLEDGED', quantity: quantity / 1000, stockLotId: lot.id, shipmentId: shipment.id },
      });
      return pledge;
    });
  }

  private assertPledgeable(
    lot: StockLotEntity,
    contract: TradeContractEntity,
    shipment: TradeShipmentEntity,
    quantity: Milli,
  ): void {
    if (!regionContains(contract.regionCode, lot.marketCode)) {
      throw DomainError.forbidden(
        `Only stock of ${contract.regionCode} can be pledged to this contract`,
        `Hanya stok dari ${contract.regionCode} yang dapat dijanjikan untuk kontrak ini`,
      );
    }
    if (lot.commodityCode !== contract.commodityCode)
      throw DomainError.badInput(
        `The contract is for ${contract.commodityCode}, the lot holds ${lot.commodityCode}`,
        `Kontrak untuk ${contract.commodityCode}, lot berisi ${lot.commodityCode}`,
        { field: 'stockLotId' },
      );
    if (QUALITY_GRADES.indexOf(lot.grade) > QUALITY_GRADES.indexOf(contract.minGrade))
      throw DomainError.badInput(
        `The lot is grade ${lot.grade}; the contract needs at least ${contract.minGrade}`,
        `Mutu lot ${lot.grade}; kontrak memerlukan minimal ${contract.minGrade}`,
        { field: 'stockLotId', reason: 'GRADE_TOO_LOW' },
      );
    const consolidateDate = instantToLocalDate(shipment.consolidateBy, TIME_ZONE);
    if (lot.expiresOn !== null && lot.expiresOn < consolidateDate)
      throw DomainError.badInput(
        `The lot expires on ${lot.expiresOn}, before the goods must be at the Trade Center (${consolidateDate})`,
        `Lot kedaluwarsa ${lot.expiresOn}, sebelum barang harus berada di Trade Center (${consolidateDate})`,
        { field: 'stockLotId', reason: 'EXPIRES_BEFORE_CONSOLIDATION' },
      );
    const available = lot.returnedAt ? 0 : lot.quantity - lot.reservedQuantity;
    if (quantity > available)
      throw DomainError.badInput(
        `The lot has ${available / 1000} available; you pledged ${quantity / 1000}`,
        `Lot hanya tersedia ${available / 1000}; Anda menjanjikan ${quantity / 1000}`,
        { field: 'quantity', available: available / 1000 },
      );
  }

  async withdrawPledge(actor: Actor | null, id: string): Promise<TradePledgeEntity> {
    const operator = requireRole(actor, 'COOPERATIVE_OPERATOR');
    const cooperativeId = requireOrganization(operator);
    return this.dataSource.transaction(async (tx) => {
      const found = await tx.findOneBy(TradePledgeEntity, { id });
      if (!found || found.cooperativeId !== cooperativeId)
        throw DomainError.notFound('Pledge', 'Janji stok', { id });
      const shipment = await tx
        .getRepository(TradeShipmentEntity)
        .createQueryBuilder('s')
        .setLock('pessimistic_read')
        .where('s.id = :id', { id: found.shipmentId })
        .getOne();
      const pledge = (await lockRow(tx, TradePledgeEntity, id))!;
      pledgeLifecycle.assertMove(pledge.status, 'WITHDRAWN');
      if (shipment!.status !== 'PLEDGING')
        throw DomainError.conflict(
          'The shipment has been allotted: the pledge can no longer be withdrawn',
          'Pengiriman sudah dijatah: janji tidak bisa ditarik lagi',
        );
      await tx.update(TradePledgeEntity, { id }, { status: 'WITHDRAWN' });
      const contract = await tx.findOneByOrFail(TradeContractEntity, { id: shipment!.contractId });
      await appendAudit(tx, {
        actorUserId: operator.userId,
        action: 'pledge.withdrawn',
        entityType: 'Pledge',
        entityId: id,
        regionCode: contract.regionCode,
        before: { status: pledge.status },
        after: { status: 'WITHDRAWN' },
      });
      return { ...pledge, status: 'WITHDRAWN' as PledgeStatus };
    });
  }

  async myPledges(actor: Actor | null, page: PageRequest): Promise<Page<TradePledgeEntity>> {
    const operator = requireRole(actor, 'COOPERATIVE_OPERATOR');
    const query = this.dataSource
      .getRepository(TradePledgeEntity)
      .createQueryBuilder('p')
      .where('p.cooperative_id = :org', { org: requireOrganization(operator) });
    return paginate(query, { column: 'p.created_at', id: 'p.id', direction: 'DESC' }, page);
  }

  // ------------------------------------------------------------------------------------------
  // Allotment

  /** The officer allots early. */
  async allotNow(actor: Actor | null, shipmentId: string): Promise<TradeShipmentEntity> {
    const { officer, tradeCenterId } = await this.requireOfficer(actor);
    return this.withDeadlockRetry(() =>
      this.dataSource.transaction(async (tx) => {
        const shipment = await lockRow(tx, TradeShipmentEntity, shipmentId);
        const contract = shipment
          ? await tx.findOneBy(TradeContractEntity, { id: shipment.contractId })
          : null;
        if (!shipment || !contract || contract.tradeCenterId !== tradeCenterId)
          throw DomainError.notFound('Shipment', 'Pengiriman', { id: shipmentId });
        shipmentLifecycle.assertMove(shipment.status, 'ALLOTTED');
        return this.allotLocked(tx, contract, shipment, officer.userId);
      }),
    );
  }

  /** The worker at pledgesCloseAt: idempotent, a shipment already allotted (or cancelled) is left alone. */
  async allotDue(shipmentId: string): Promise<AllotOutcome> {
    return this.withDeadlockRetry(() =>
      this.dataSource.transaction(async (tx) => {
        const shipment = await lockRow(tx, TradeShipmentEntity, shipmentId);
        if (!shipment) throw new Error(`Shipment ${shipmentId} not found: the job will be retried`);
        if (shipment.status !== 'PLEDGING' || shipment.pledgesCloseAt.getTime() > Date.now())
          return { shipmentId, allotted: false };
        const contract = await tx.findOneByOrFail(TradeContractEntity, { id: shipment.contractId });
        const allotted = await this.allotLocked(tx, contract, shipment, null);
        return { shipmentId, allotted: true, allottedMilli: allotted.allottedQuantity };
      }),
    );
  }

  /** Deadlocks with a concurrent award on the same lots are resolved by Postgres; try again. */
  private async withDeadlockRetry<T>(work: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await work();
      } catch (error) {
        const code = (error as { driverError?: { code?: string }; code?: string }).driverError?.code;
        if (attempt >= 3 || (code !== '40P01' && code !== '40001')) throw error;
        this.logger.warn(`Allotment hit ${code}; trying again (attempt ${attempt + 1})`);
      }
    }
  }

  private async allotLocked(
    tx: EntityManager,
    contract: TradeContractEntity,
    shipment: TradeShipmentEntity,
    actorUserId: string | null,
  ): Promise<TradeShipmentEntity> {
    const pledges = await tx.find(TradePledgeEntity, {
      where: { shipmentId: shipment.id, status: 'PLEDGED' },
      order: { createdAt: 'ASC', id: 'ASC' },
    });
    const round = await this.runRound(
      tx,
      contract,
      shipment,
      pledges,
      shipment.quantity,
      new Map(),
      new Set(),
      1,
    );
    shipmentLifecycle.assertMove(shipment.status, 'ALLOTTED');
    const updated = {
      ...shipment,
      status: 'ALLOTTED' as const,
      allottedQuantity: round.allottedMilli,
      rounds: 1,
    };
    await tx.update(
      TradeShipmentEntity,
      { id: shipment.id },
      { status: 'ALLOTTED', allottedQuantity: round.allottedMilli, rounds: 1 },
    );
    await recordNotificationEvent(tx, 'TRADE_ALLOTTED', shipment.id);
    await appendAudit(tx, ...round.audit, {
      actorUserId,
      action: 'shipment.allotted',
      entityType: 'Shipment',
      entityId: shipment.id,
      regionCode: contract.regionCode,
      before: { status: shipment.status },
      after: { status: 'ALLOTTED', allottedQuantity: round.allottedMilli / 1000, pledges: pledges.length },
    });
    return updated;
  }

  /**
   * One allotment round: fair shares of `quantity` over `pledges`, given what each still has
   * allotted (`alreadyMilli`), minus the excluded; writes allotments, reserves through the
   * ledger and moves each pledge to its outcome. The caller holds the shipment's row lock.
   */
  private async runRound(
    tx: EntityManager,
    contract: TradeContractEntity,
    shipment: TradeShipmentEntity,
    pledges: TradePledgeEntity[],
    quantity: Milli,
    alreadyMilli: Map<string, Milli>,
    excluded: Set<string>,
    roundNo: number,
    heldMilli: Map<string, Milli> = new Map(),
  ): Promise<{ allottedMilli: Milli; audit: AuditRecord[] }> {
    const audit: AuditRecord[] = [];
    if (pledges.length === 0) return { allottedMilli: 0, audit };
    // Lock the lots in id order: their availability cannot change between the rule and the reservation.
    const lotIds = [...new Set(pledges.map((p) => p.stockLotId))].sort();
    const lots = new Map(
      (
        await tx
          .getRepository(StockLotEntity)
          .createQueryBuilder('lot')
          .setLock('pessimistic_write')
          .where('lot.id IN (:...lotIds)', { lotIds })
          .orderBy('lot.id')
          .getMany()
      ).map((lot) => [lot.id, lot]),
    );
    const cooperativeIds = [...new Set(pledges.map((p) => p.cooperativeId))];
    const organizations = new Map(
      (await tx.findBy(OrganizationEntity, { id: In(cooperativeIds) })).map((o) => [o.id, o]),
    );
    const reliability = await this.reliabilityOf(tx, cooperativeIds);
    const commodity = await tx.findOneByOrFail(CommodityEntity, { code: contract.commodityCode });
    // With a cap, a later round may give a cooperative only the cap minus what it still holds.
    const held = new Map<string, Milli>();
    for (const p of pledges)
      held.set(p.cooperativeId, (held.get(p.cooperativeId) ?? 0) + (heldMilli.get(p.id) ?? 0));
    const input: FairSharePledge[] = pledges.map((p) => {
      const lot = lots.get(p.stockLotId)!;
      return {
        pledgeId: p.id,
        cooperativeId: p.cooperativeId,
        stockLotId: p.stockLotId,
        pledgedMilli: p.quantity - (alreadyMilli.get(p.id) ?? 0),
        grade: lot.grade,
        commodityCode: lot.commodityCode,
        lotExpiresOn: lot.expiresOn,
        lotAvailableMilli: lot.returnedAt ? 0 : lot.quantity - lot.reservedQuantity,
        cooperativeSuspended: organizations.get(p.cooperativeId)?.suspended ?? false,
        reliability: reliability.get(p.cooperativeId) ?? 0.9,
        pledgedAt: p.createdAt.getTime(),
        excluded: excluded.has(p.id),
      };
    });
    const result = allotFairShares({
      quantityMilli: quantity,
      commodityCode: contract.commodityCode,
      minGrade: contract.minGrade,
      consolidateByDate: instantToLocalDate(shipment.consolidateBy, TIME_ZONE),
      maxShareMilli:
        contract.maxSharePpm === null
          ? null
          : Number((BigInt(shipment.quantity) * BigInt(contract.maxSharePpm)) / PPM),
      heldByCooperative: held,
      baseUnit: commodity.baseUnit,
      pledges: input,
    });
    const pledgeById = new Map(pledges.map((p) => [p.id, p]));
    const allotments = result.pledges.filter((o) => o.allottedMilli > 0);
    await this.ledger.reserve(
      tx,
      allotments.map((o) => ({ stockLotId: o.stockLotId, milli: o.allottedMilli })),
    );
    if (allotments.length > 0) {
      const rows = returnedIds(
        await tx.query(
          `INSERT INTO trade_allotment (shipment_id, pledge_id, cooperative_id, stock_lot_id, round, quantity, status,
                  explanation_en, explanation_id)
           SELECT $1, * FROM unnest($2::uuid[], $3::uuid[], $4::uuid[], $5::int[], $6::numeric[], $7::varchar[], $8::text[], $9::text[])
           RETURNING id, pledge_id`,
          [
            shipment.id,
            allotments.map((o) => o.pledgeId),
            allotments.map((o) => o.cooperativeId),
            allotments.map((o) => o.stockLotId),
            allotments.map(() => roundNo),
            allotments.map((o) => (o.allottedMilli / 1000).toFixed(3)),
            allotments.map(() => 'ALLOTTED'),
            allotments.map((o) => o.explanation.en),
            allotments.map((o) => o.explanation.id),
          ],
        ),
      );
      for (const row of rows) {
        const outcome = allotments.find((o) => o.pledgeId === row.pledge_id)!;
        audit.push({
          actorUserId: null,
          action: 'allotment.created',
          entityType: 'Allotment',
          entityId: row.id,
          regionCode: contract.regionCode,
          after: { status: 'ALLOTTED', quantity: outcome.allottedMilli / 1000, round: roundNo },
        });
      }
    }
    const byStatus = new Map<
      PledgeStatus,
      { ids: string[]; reasons: (string | null)[]; en: string[]; id: string[] }
    >();
    for (const outcome of result.pledges) {
      const pledge = pledgeById.get(outcome.pledgeId)!;
      if (outcome.invalidReason === 'EXCLUDED') continue; // sits out this round, keeps its outcome
      const total = (alreadyMilli.get(pledge.id) ?? 0) + outcome.allottedMilli;
      const status: PledgeStatus = !outcome.valid
        ? roundNo === 1
          ? 'INVALID'
          : pledge.status
        : total >= pledge.quantity
          ? 'ALLOTTED'
          : total > 0
            ? 'PARTIALLY_ALLOTTED'
            : 'NOT_ALLOTTED';
      if (status === pledge.status && roundNo > 1 && outcome.allottedMilli === 0) continue;
      pledgeLifecycle.assertMove(pledge.status, status);
      const group = byStatus.get(status) ?? { ids: [], reasons: [], en: [], id: [] };
      group.ids.push(pledge.id);
      group.reasons.push(outcome.invalidReason);
      group.en.push(outcome.explanation.en);
      group.id.push(outcome.explanation.id);
      byStatus.set(status, group);
      audit.push({
        actorUserId: null,
        action: `pledge.${status.toLowerCase()}`,
        entityType: 'Pledge',
        entityId: pledge.id,
        regionCode: contract.regionCode,
        before: { status: pledge.status },
        after: { status, allotted: total / 1000, round: roundNo, invalidReason: outcome.invalidReason },
      });
    }
    for (const [status, group] of byStatus) {
      await tx.query(
        `UPDATE trade_pledge SET status = $1, invalid_reason = v.reason, explanation_en = v.en, explanation_id = v.idt
           FROM unnest($2::uuid[], $3::varchar[], $4::text[], $5::text[]) AS v(id, reason, en, idt)
          WHERE trade_pledge.id = v.id`,
        [status, group.ids, group.reasons, group.en, group.id],
      );
    }
    return { allottedMilli: result.totalMilli, audit };
  }

  private async reliabilityOf(tx: EntityManager, cooperativeIds: string[]): Promise<Map<string, number>> {
    const rows: { cooperative_id: string; received: string; accepted: string }[] = await tx.query(
      `SELECT o.cooperative_id, count(*) AS received,
              count(*) FILTER (WHERE coalesce(l.rejected_quantity, 0) = 0 AND NOT coalesce(o.late, false)) AS accepted
         FROM order_line l JOIN purchase_order o ON o.id = l.order_id
        WHERE o.cooperative_id = ANY($1::uuid[]) AND l.accepted_quantity IS NOT NULL
        GROUP BY o.cooperative_id`,
      [cooperativeIds],
    );
    return new Map(
      rows.map((row) => [row.cooperative_id, (Number(row.accepted) + 9) / (Number(row.received) + 10)]),
    );
  }

  // ------------------------------------------------------------------------------------------
  // Consolidation, dispatch, delivery

  async receive(actor: Actor | null, receipts: TradeReceipt[]): Promise<TradeAllotmentEntity[]> {
    const { officer, tradeCenterId } = await this.requireOfficer(actor);
    if (receipts.length === 0 || receipts.length > 200)
      throw DomainError.badInput('Give 1 to 200 receipts', 'Berikan 1 sampai 200 penerimaan', {
        field: 'input',
      });
    const parsed = receipts.map((r, index) => {
      const accepted = quantityToMilli(r.acceptedQuantity, `input[${index}].acceptedQuantity`, true);
      const rejected = quantityToMilli(r.rejectedQuantity, `input[${index}].rejectedQuantity`, true);
      const reason = r.rejectionReason?.trim() || null;
      if (rejected > 0 && !reason)
        throw DomainError.badInput(
          `input[${index}]: say why goods were rejected (rejectionReason)`,
          `input[${index}]: sebutkan alasan penolakan (rejectionReason)`,
          { field: 'rejectionReason', index },
        );
      return { allotmentId: r.allotmentId, accepted, rejected, reason, index };
    });
    if (new Set(parsed.map((p) => p.allotmentId)).size !== parsed.length)
      throw DomainError.badInput('An allotment is listed twice', 'Ada jatah yang disebut dua kali', {
        field: 'input',
      });
    return this.withDeadlockRetry(() =>
      this.dataSource.transaction(async (tx) => {
        const ids = parsed.map((p) => p.allotmentId);
        const found = await tx.findBy(TradeAllotmentEntity, { id: In(ids) });
        const shipmentIds = [...new Set(found.map((a) => a.shipmentId))].sort();
        // Shipment locks first (as allotment takes them), then the allotments.
        const shipments = new Map<string, TradeShipmentEntity>();
        for (const id of shipmentIds) shipments.set(id, (await lockRow(tx, TradeShipmentEntity, id))!);
        const contracts = new Map(
          (
            await tx.findBy(TradeContractEntity, {
              id: In([...new Set([...shipments.values()].map((s) => s.contractId))]),
            })
          ).map((c) => [c.id, c]),
        );
        const allotments = new Map(
          (
            await tx
              .getRepository(TradeAllotmentEntity)
              .createQueryBuilder('a')
              .setLock('pessimistic_write')
              .where('a.id IN (:...ids)', { ids })
              .orderBy('a.id')
              .getMany()
          ).map((a) => [a.id, a]),
        );
        const audit: AuditRecord[] = [];
        const now = new Date();
        const received: TradeAllotmentEntity[] = [];
        for (const entry of parsed) {
          const allotment = allotments.get(entry.allotmentId);
          const shipment = allotment ? shipments.get(allotment.shipmentId) : undefined;
          const contract = shipment ? contracts.get(shipment.contractId) : undefined;
          if (!allotment || !shipment || !contract || contract.tradeCenterId !== tradeCenterId)
            throw DomainError.notFound('Allotment', 'Jatah', { id: entry.allotmentId });
          allotmentLifecycle.assertMove(allotment.status, 'RECEIVED');
          if (entry.accepted + entry.rejected !== allotment.quantity) {
            throw DomainError.badInput(
              `input[${entry.index}]: accepted + rejected must equal the allotted ${allotment.quantity / 1000}`,
              `input[${entry.index}]: diterima + ditolak harus sama dengan jatah ${allotment.quantity / 1000}`,
              { field: 'acceptedQuantity', index: entry.index },
            );
          }
          const gross = lineAmount(contract.unitPrice, entry.accepted);
          const { levy, net } = levyOf(gross, contract.levyRatePpm);
          const updated: TradeAllotmentEntity = {
            ...allotment,
            status: 'RECEIVED',
            acceptedQuantity: entry.accepted,
            rejectedQuantity: entry.rejected,
            rejectionReason: entry.rejected > 0 ? entry.reason : null,
            grossAmount: gross,
            levyAmount: levy,
            netAmount: net,
            receivedAt: now,
          };
          await tx.update(
            TradeAllotmentEntity,
            { id: allotment.id },
            {
              status: 'RECEIVED',
              acceptedQuantity: entry.accepted,
              rejectedQuantity: entry.rejected,
              rejectionReason: updated.rejectionReason,
              grossAmount: gross,
              levyAmount: levy,
              netAmount: net,
              receivedAt: now,
            },
          );
          received.push(updated);
          audit.push({
            actorUserId: officer.userId,
            action: 'allotment.received',
            entityType: 'Allotment',
            entityId: allotment.id,
            regionCode: contract.regionCode,
            before: { status: allotment.status },
            after: {
              status: 'RECEIVED',
              accepted: entry.accepted / 1000,
              rejected: entry.rejected / 1000,
              reason: updated.rejectionReason,
              gross: gross.toString(),
              levy: levy.toString(),
              net: net.toString(),
            },
          });
        }
        // Rejected goods go back to the cooperative: their reservation is released.
        await this.ledger.release(
          tx,
          received
            .filter((a) => (a.rejectedQuantity ?? 0) > 0)
            .map((a) => ({ stockLotId: a.stockLotId, milli: a.rejectedQuantity! })),
        );
        await this.settlement.settleTradeAllotments(
          tx,
          received.map((a) => ({
            allotmentId: a.id,
            stockLotId: a.stockLotId,
            cooperativeId: a.cooperativeId,
            marketCode: contracts.get(shipments.get(a.shipmentId)!.contractId)!.regionCode,
            acceptedMilli: a.acceptedQuantity ?? 0,
          })),
        );
        for (const shipment of shipments.values()) {
          const contract = contracts.get(shipment.contractId)!;
          const mine = received.filter((a) => a.shipmentId === shipment.id);
          const accepted = mine.reduce((sum, a) => sum + (a.acceptedQuantity ?? 0), 0);
          const rejected = mine.reduce((sum, a) => sum + (a.rejectedQuantity ?? 0), 0);
          if (shipment.status !== 'CONSOLIDATING')
            shipmentLifecycle.assertMove(shipment.status, 'CONSOLIDATING');
          let allotted = shipment.allottedQuantity - rejected;
          let rounds = shipment.rounds;
          if (rejected > 0) {
            const again = await this.reallot(tx, contract, shipment, allotted, rounds + 1);
            audit.push(...again.audit);
            if (again.ran) rounds += 1;
            allotted += again.allottedMilli;
          }
          await tx.update(
            TradeShipmentEntity,
            { id: shipment.id },
            {
              status: 'CONSOLIDATING',
              acceptedQuantity: shipment.acceptedQuantity + accepted,
              allottedQuantity: allotted,
              rounds,
            },
          );
          if (shipment.status !== 'CONSOLIDATING')
            audit.push({
              actorUserId: officer.userId,
              action: 'shipment.consolidating',
              entityType: 'Shipment',
              entityId: shipment.id,
              regionCode: contract.regionCode,
              before: { status: shipment.status },
              after: { status: 'CONSOLIDATING' },
            });
        }
        await appendAudit(tx, ...audit);
        return received;
      }),
    );
  }

  /**
   * Rejected quantity is offered again, while time allows, to the valid pledges that still have
   * stock pledged and whose goods were not rejected; what cannot be covered raises an alert.
   */
  private async reallot(
    tx: EntityManager,
    contract: TradeContractEntity,
    shipment: TradeShipmentEntity,
    allottedNow: Milli,
    roundNo: number,
  ): Promise<{ ran: boolean; allottedMilli: Milli; audit: AuditRecord[] }> {
    const missing = shipment.quantity - allottedNow;
    if (missing <= 0) return { ran: false, allottedMilli: 0, audit: [] };
    let allottedMilli = 0;
    let audit: AuditRecord[] = [];
    let ran = false;
    if (Date.now() < shipment.consolidateBy.getTime()) {
      const pledges = await tx.find(TradePledgeEntity, {
        where: { shipmentId: shipment.id, status: In(['ALLOTTED', 'PARTIALLY_ALLOTTED', 'NOT_ALLOTTED']) },
        order: { createdAt: 'ASC', id: 'ASC' },
      });
      const sums: { pledge_id: string; allotted: string; rejected: string }[] = await tx.query(
        `SELECT pledge_id, sum(quantity)::text AS allotted, sum(coalesce(rejected_quantity, 0))::text AS rejected
           FROM trade_allotment WHERE shipment_id = $1 GROUP BY pledge_id`,
        [shipment.id],
      );
      const already = new Map(sums.map((s) => [s.pledge_id, Math.round(Number(s.allotted) * 1000)]));
      const held = new Map(
        sums.map((s) => [s.pledge_id, Math.round((Number(s.allotted) - Number(s.rejected)) * 1000)]),
      );
      const excluded = new Set(sums.filter((s) => Number(s.rejected) > 0).map((s) => s.pledge_id));
      const open = pledges.filter((p) => p.quantity > (already.get(p.id) ?? 0) || excluded.has(p.id));
      if (open.some((p) => !excluded.has(p.id))) {
        const round = await this.runRound(
          tx,
          contract,
          shipment,
          open,
          missing,
          already,
          excluded,
          roundNo,
          held,
        );
        allottedMilli = round.allottedMilli;
        audit = round.audit;
        ran = true;
      }
    }
    if (allottedMilli < missing) {
      const short = (missing - allottedMilli) / 1000;
      await recordAlertEvents(
        tx,
        await tx.insert(AlertEntity, {
          regionCode: contract.regionCode,
          kind: 'TRADE_SHIPMENT_SHORT',
          entityId: shipment.id,
          messageEn: `Shipment ${shipment.sequence} of ${contract.number} is ${short} short after rejections: no pledge can cover it in time`,
          messageId: `Pengiriman ${shipment.sequence} kontrak ${contract.number} kurang ${short} setelah penolakan: tidak ada janji yang bisa menutupinya tepat waktu`,
        }),
      );
    }
    return { ran, allottedMilli, audit };
  }

  async dispatch(actor: Actor | null, shipmentId: string): Promise<TradeShipmentEntity> {
    const { officer, tradeCenterId } = await this.requireOfficer(actor);
    return this.dataSource.transaction(async (tx) => {
      const { shipment, contract } = await this.lockOwnShipment(tx, tradeCenterId, shipmentId);
      shipmentLifecycle.assertMove(shipment.status, 'DISPATCHED');
      const [waiting] = (await tx.query(
        `SELECT count(*)::int AS n FROM trade_allotment WHERE shipment_id = $1 AND status = 'ALLOTTED'`,
        [shipmentId],
      )) as { n: number }[];
      if (waiting!.n > 0)
        throw DomainError.conflict(
          `${waiting!.n} allotment(s) have not been received: record what arrived (or reject what did not) first`,
          `${waiting!.n} jatah belum diterima: catat yang datang (atau tolak yang tidak datang) dulu`,
        );
      const now = new Date();
      await tx.update(TradeShipmentEntity, { id: shipmentId }, { status: 'DISPATCHED', dispatchedAt: now });
      if (shipment.acceptedQuantity < shipment.quantity) {
        const short = (shipment.quantity - shipment.acceptedQuantity) / 1000;
        await recordAlertEvents(
          tx,
          await tx.insert(AlertEntity, {
            regionCode: contract.regionCode,
            kind: 'TRADE_SHIPMENT_SHORT',
            entityId: shipment.id,
            messageEn: `Shipment ${shipment.sequence} of ${contract.number} left ${short} short of ${shipment.quantity / 1000}`,
            messageId: `Pengiriman ${shipment.sequence} kontrak ${contract.number} berangkat kurang ${short} dari ${shipment.quantity / 1000}`,
          }),
        );
      }
      const audit: AuditRecord[] = [
        {
          actorUserId: officer.userId,
          action: 'shipment.dispatched',
          entityType: 'Shipment',
          entityId: shipmentId,
          regionCode: contract.regionCode,
          before: { status: shipment.status },
          after: { status: 'DISPATCHED', accepted: shipment.acceptedQuantity / 1000 },
        },
      ];
      if (contract.status === 'OPEN') {
        contractLifecycle.assertMove('OPEN', 'IN_DELIVERY');
        await tx.update(TradeContractEntity, { id: contract.id }, { status: 'IN_DELIVERY' });
        audit.push({
          actorUserId: officer.userId,
          action: 'trade-contract.in_delivery',
          entityType: 'TradeContract',
          entityId: contract.id,
          regionCode: contract.regionCode,
          before: { status: 'OPEN' },
          after: { status: 'IN_DELIVERY' },
        });
      }
      await appendAudit(tx, ...audit);
      return { ...shipment, status: 'DISPATCHED' as const, dispatchedAt: now };
    });
  }

  async confirmDelivered(actor: Actor | null, shipmentId: string): Promise<TradeShipmentEntity> {
    const { officer, tradeCenterId } = await this.requireOfficer(actor);
    return this.dataSource.transaction(async (tx) => {
      const { shipment, contract } = await this.lockOwnShipment(tx, tradeCenterId, shipmentId);
      shipmentLifecycle.assertMove(shipment.status, 'DELIVERED');
      const now = new Date();
      await tx.update(TradeShipmentEntity, { id: shipmentId }, { status: 'DELIVERED', deliveredAt: now });
      const audit: AuditRecord[] = [
        {
          actorUserId: officer.userId,
          action: 'shipment.delivered',
          entityType: 'Shipment',
          entityId: shipmentId,
          regionCode: contract.regionCode,
          before: { status: shipment.status },
          after: { status: 'DELIVERED' },
        },
      ];
      const [open] = (await tx.query(
        `SELECT count(*)::int AS n FROM trade_shipment
          WHERE contract_id = $1 AND id <> $2 AND status NOT IN ('DELIVERED', 'CANCELLED')`,
        [contract.id, shipmentId],
      )) as { n: number }[];
      if (open!.n === 0 && contractLifecycle.canMove(contract.status, 'COMPLETED')) {
        await tx.update(TradeContractEntity, { id: contract.id }, { status: 'COMPLETED' });
        audit.push({
          actorUserId: officer.userId,
          action: 'trade-contract.completed',
          entityType: 'TradeContract',
          entityId: contract.id,
          regionCode: contract.regionCode,
          before: { status: contract.status },
          after: { status: 'COMPLETED' },
        });
      }
      await appendAudit(tx, ...audit);
      return { ...shipment, status: 'DELIVERED' as const, deliveredAt: now };
    });
  }

  private async lockOwnShipment(tx: EntityManager, tradeCenterId: string, shipmentId: string) {
    const shipment = await lockRow(tx, TradeShipmentEntity, shipmentId);
    const contract = shipment ? await lockRow(tx, TradeContractEntity, shipment.contractId) : null;
    if (!shipment || !contract || contract.tradeCenterId !== tradeCenterId)
      throw DomainError.notFound('Shipment', 'Pengiriman', { id: shipmentId });
    return { shipment, contract };
  }

  // ------------------------------------------------------------------------------------------
  // Money

  /** Pays cooperatives their net and books each allotment's levy in the append-only ledger. */
  async pay(
    actor: Actor | null,
    allotmentIds: string[],
    referenceText: string,
  ): Promise<TradeAllotmentEntity[]> {
    const { officer, tradeCenterId } = await this.requireOfficer(actor);
    const ids = [...new Set(allotmentIds)];
    if (ids.length === 0 || ids.length > 200)
      throw DomainError.badInput(
        'Give 1 to 200 allotments to pay',
        'Berikan 1 sampai 200 jatah untuk dibayar',
        {
          field: 'allotmentIds',
        },
      );
    const reference = text(referenceText, 'reference', MAX_REFERENCE_LENGTH);
    return this.dataSource.transaction(async (tx) => {
      const allotments = await tx
        .getRepository(TradeAllotmentEntity)
        .createQueryBuilder('a')
        .setLock('pessimistic_write')
        .where('a.id IN (:...ids)', { ids })
        .orderBy('a.id')
        .getMany();
      const shipments = new Map(
        (
          await tx.findBy(TradeShipmentEntity, { id: In([...new Set(allotments.map((a) => a.shipmentId))]) })
        ).map((s) => [s.id, s]),
      );
      const contracts = new Map(
        (
          await tx.findBy(TradeContractEntity, {
            id: In([...new Set([...shipments.values()].map((s) => s.contractId))]),
          })
        ).map((c) => [c.id, c]),
      );
      const byId = new Map(allotments.map((a) => [a.id, a]));
      for (const id of ids) {
        const allotment = byId.get(id);
        const contract = allotment
          ? contracts.get(shipments.get(allotment.shipmentId)!.contractId)
          : undefined;
        if (!allotment || !contract || contract.tradeCenterId !== tradeCenterId)
          throw DomainError.notFound('Allotment', 'Jatah', { id });
        allotmentLifecycle.assertMove(allotment.status, 'PAID');
      }
      const paidAt = new Date();
      await tx.update(
        TradeAllotmentEntity,
        { id: In(ids) },
        { status: 'PAID', paidAt, paymentReference: reference },
      );
      await tx.insert(
        TradeLevyEntryEntity,
        allotments.map((a) => {
          const contract = contracts.get(shipments.get(a.shipmentId)!.contractId)!;
          return {
            allotmentId: a.id,
            contractId: contract.id,
            cooperativeId: a.cooperativeId,
            regionCode: contract.regionCode,
            acceptedQuantity: a.acceptedQuantity ?? 0,
            grossAmount: a.grossAmount,
            levyAmount: a.levyAmount,
            netAmount: a.netAmount,
            paymentReference: reference,
            bookedBy: officer.userId,
          };
        }),
      );
      await appendAudit(
        tx,
        ...allotments.map((a) => ({
          actorUserId: officer.userId,
          action: 'allotment.paid',
          entityType: 'Allotment',
          entityId: a.id,
          regionCode: contracts.get(shipments.get(a.shipmentId)!.contractId)!.regionCode,
          before: { status: a.status },
          after: {
            status: 'PAID',
            net: a.netAmount.toString(),
            levy: a.levyAmount.toString(),
            reference,
          },
        })),
      );
      return allotments.map((a) => ({ ...a, status: 'PAID' as const, paidAt, paymentReference: reference }));
    });
  }

  /**
   * The city's levy revenue booked (paid allotments) on local dates from..to (WIB), by contract
   * and by cooperative; every figure is a sum of per-allotment amounts, so totals agree exactly.
   */
  async levyReport(
    actor: Actor | null,
    regionCode: string,
    fromText: string,
    toText: string,
  ): Promise<LevyReport> {
    const signedIn = requireActor(actor);
    const from = requireLocalDate(fromText, 'from');
    const to = requireLocalDate(toText, 'to');
    if (to < from)
      throw DomainError.badInput('to must not be before from', 'to tidak boleh sebelum from', {
        field: 'to',
      });
    let allowed = coordinates(signedIn, regionCode);
    if (!allowed && signedIn.role === 'TRADE_CENTER_OFFICER') {
      const { regionCode: own } = await this.requireOfficer(signedIn);
      // The Trade Center's own regency (or part of it), never a wider region with other centres in it.
      allowed = regionContains(own, regionCode);
    }
    if (!allowed)
      throw DomainError.forbidden(
        'The levy report is for the Trade Center and the coordinators of the region',
        'Laporan retribusi hanya untuk Trade Center dan koordinator wilayah',
      );
    const where = `(e.region_code = $1 OR e.region_code LIKE $1 || '.%')
        AND (e.booked_at AT TIME ZONE '${TIME_ZONE}')::date BETWEEN $2::date AND $3::date`;
    type Row = { key: string; accepted: string; gross: string; levy: string; net: string };
    const group = (column: string): Promise<Row[]> =>
      this.dataSource.query(
        `SELECT e.${column} AS key, sum(e.accepted_quantity)::text AS accepted, sum(e.gross_amount)::text AS gross,
                sum(e.levy_amount)::text AS levy, sum(e.net_amount)::text AS net
           FROM trade_levy_entry e WHERE ${where} GROUP BY e.${column} ORDER BY e.${column}`,
        [regionCode, from, to],
      );
    const line = (row: Row): LevyLine => ({
      acceptedMilli: Math.round(Number(row.accepted) * 1000),
      gross: BigInt(row.gross),
      levy: BigInt(row.levy),
      net: BigInt(row.net),
    });
    const byContract = (await group('contract_id')).map((row) => ({ contractId: row.key, ...line(row) }));
    const byCooperative = (await group('cooperative_id')).map((row) => ({
      cooperativeId: row.key,
      ...line(row),
    }));
    return {
      regionCode,
      from,
      to,
      total: byContract.reduce((sum, c) => sum + c.levy, 0n),
      byContract,
      byCooperative,
    };
  }

  /** Trade notices of the actor's regency (contracts opened, shipments short): cooperatives, officers, coordinators. */
  async notices(actor: Actor | null, limit = 50): Promise<AlertEntity[]> {
    const signedIn = requireRole(
      actor,
      'COOPERATIVE_OPERATOR',
      'TRADE_CENTER_OFFICER',
      'CITY_COORDINATOR',
      'ADMIN',
    );
    const query = this.dataSource
      .getRepository(AlertEntity)
      .createQueryBuilder('alert')
      .where(`alert.kind LIKE 'TRADE\\_%'`);
    if (signedIn.role !== 'ADMIN') {
      if (!signedIn.regionCode) return [];
      query.andWhere('alert.region_code = :market', { market: marketCodeOf(signedIn.regionCode) });
    }
    // Cooperatives are told of new contracts; shortfalls are the officer's and coordinators' business.
    if (signedIn.role === 'COOPERATIVE_OPERATOR') query.andWhere(`alert.kind = 'TRADE_CONTRACT_OPENED'`);
    return query
      .orderBy('alert.created_at', 'DESC')
      .limit(Math.min(Math.max(limit, 1), 200))
      .getMany();
  }

  // ------------------------------------------------------------------------------------------
  // Batch reads for the API's loaders (visibility is applied by the callers above)

  async contractsByIds(ids: readonly string[]): Promise<TradeContractEntity[]> {
    return this.dataSource.getRepository(TradeContractEntity).findBy({ id: In([...ids]) });
  }

  async shipmentsByIds(ids: readonly string[]): Promise<TradeShipmentEntity[]> {
    return this.dataSource.getRepository(TradeShipmentEntity).findBy({ id: In([...ids]) });
  }

  async shipmentsByContractIds(ids: readonly string[]): Promise<TradeShipmentEntity[]> {
    return this.dataSource
      .getRepository(TradeShipmentEntity)
      .find({ where: { contractId: In([...ids]) }, order: { sequence: 'ASC' } });
  }

  async pledgesByIds(ids: readonly string[]): Promise<TradePledgeEntity[]> {
    return this.dataSource.getRepository(TradePledgeEntity).findBy({ id: In([...ids]) });
  }

  async pledgesByShipmentIds(ids: readonly string[]): Promise<TradePledgeEntity[]> {
    return this.dataSource
      .getRepository(TradePledgeEntity)
      .find({ where: { shipmentId: In([...ids]) }, order: { createdAt: 'ASC', id: 'ASC' } });
  }

  async allotmentsByShipmentIds(ids: readonly string[]): Promise<TradeAllotmentEntity[]> {
    return this.dataSource
      .getRepository(TradeAllotmentEntity)
      .find({ where: { shipmentId: In([...ids]) }, order: { round: 'ASC', createdAt: 'ASC', id: 'ASC' } });
  }

  async shipmentAlerts(actor: Actor | null, shipment: TradeShipmentEntity, contract: TradeContractEntity) {
    if (!actor || actor.role === 'COOPERATIVE_OPERATOR' || !this.canSeeContract(actor, contract)) return [];
    return this.dataSource
      .getRepository(AlertEntity)
      .find({ where: { entityId: shipment.id }, order: { createdAt: 'ASC', id: 'ASC' } });
  }
}

function returnedIds(rows: unknown): { id: string; pledge_id: string }[] {
  return rows as { id: string; pledge_id: string }[];
}
