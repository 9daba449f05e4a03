import { Field, Int, ObjectType } from '@nestjs/graphql';
import type { Type } from '@nestjs/common';
import type { Page } from '../../../../libs/core/src/pagination.js';
import {
  DemandLineType,
  DemandRequestType,
  OfferType,
  OrganizationType,
  PurchaseOrderType,
  StockLotType,
} from './types.js';
import { ConsignmentPayableType, InvoiceType } from './settlement.types.js';

@ObjectType('PageInfo')
export class PageInfoType {
  @Field() hasNextPage: boolean;
  @Field(() => String, { nullable: true }) endCursor: string | null;
}

export interface Connection<T> {
  edges: { node: T; cursor: string }[];
  pageInfo: PageInfoType;
  totalCount: number;
}

/** Relay connection and edge types named as the contract names them (StockLotConnection, StockLotEdge, ...). */
export function connectionOf<T>(node: Type<T>, name: string): Type<Connection<T>> {
  @ObjectType(`${name}Edge`)
  class Edge {
    @Field(() => node) node: T;
    @Field() cursor: string;
  }
  @ObjectType(`${name}Connection`)
  class ConnectionType {
    @Field(() => [Edge]) edges: Edge[];
    @Field(() => PageInfoType) pageInfo: PageInfoType;
    @Field(() => Int) totalCount: number;
  }
  return ConnectionType;
}

export const StockLotConnection = connectionOf(StockLotType, 'StockLot');
export const OrganizationConnection = connectionOf(OrganizationType, 'Organization');
export const DemandLineConnection = connectionOf(DemandLineType, 'DemandLine');
export const DemandRequestConnection = connectionOf(DemandRequestType, 'DemandRequest');
export const OfferConnection = connectionOf(OfferType, 'Offer');
export const PurchaseOrderConnection = connectionOf(PurchaseOrderType, 'PurchaseOrder');
export const InvoiceConnection = connectionOf(InvoiceType, 'Invoice');
export const ConsignmentPayableConnection = connectionOf(ConsignmentPayableType, 'ConsignmentPayable');

/** Maps a domain page to a Relay connection. */
export function toConnection<E, T>(page: Page<E>, map: (item: E) => T): Connection<T> {
  const edges = page.items.map((item) => ({ node: map(item), cursor: page.cursorOf(item) }));
  return {
    edges,
    pageInfo: {
      hasNextPage: page.hasNextPage,
      endCursor: edges.length > 0 ? edges[edges.length - 1]!.cursor : null,
    },
    totalCount: page.totalCount,
  };
}
